/**
 * A reader's journey in a real browser (Debian's Chromium) against `npm start`, on a phone and a desktop: sign up
 * on the home page → the confirmation email's link → confirm → change preferences → a digest arrives → unsubscribe
 * from its link → undo (a new opt-in) → confirm again. Every page passes axe-core (no serious or critical
 * violations), fits the viewport, and is kept as a screenshot in test-results/screenshots/.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { viewports } from "../helpers/browser";
import { uniqueEmail } from "../helpers/mail";
import { checkPage, heading, linkIn, openPage, useJourney, waitForEmail } from "../helpers/pages";

const journey = useJourney();

/** Publishes an article on `topic` and sends a weekly digest of its own period; resolves to the article's title. */
async function publishAndSend(topic: string, period: string): Promise<string> {
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const title = `Reporting on ${topic} (${id})`;
  await journey.editor("PUT", `/api/articles/${id}`, { title, url: `https://news.example.org/${id}`, topics: [topic], publishedAt: new Date().toISOString() });
  const { digest } = await journey.editor("POST", "/api/digests", { frequency: "weekly", period });
  await journey.editor("POST", `/api/digests/${digest.id}/send`);
  return title;
}

describe("a reader's journey", () => {
  for (const [index, viewport] of viewports.entries()) {
    it(`signs up, confirms, chooses topics, unsubscribes from a digest and undoes it (${viewport.width} px)`, async () => {
      const { context, page } = await openPage(journey.browser, viewport);
      const email = uniqueEmail(`reader-${viewport.name}`);

      // Sign up on the home page: the form posts without JavaScript and answers with a page.
      await page.goto(`${journey.stack.url}/`);
      await checkPage(page, "home");
      await page.getByLabel("Email address").fill(email);
      await page.getByLabel("Climate").check();
      await page.getByRole("button", { name: "Subscribe" }).click();
      await heading(page, "Check your inbox");
      await checkPage(page, "check-inbox");

      // The confirmation email's link opens a page; only its button confirms.
      const confirmation = await waitForEmail(journey.stack.mailUrl, email, /^Confirm your subscription/);
      const confirmLink = linkIn(confirmation, "/confirm");
      await page.goto(confirmLink);
      await heading(page, "Confirm your subscription");
      await checkPage(page, "confirm");
      await page.getByRole("button", { name: "Yes, subscribe me" }).click();
      await heading(page, "You're subscribed");
      await checkPage(page, "confirmed");

      // Preferences: a name, one more topic; saved and shown as saved.
      await page.getByRole("link", { name: /Choose your topics/ }).click();
      await heading(page, "Your preferences");
      expect(await page.getByLabel("Climate").isChecked()).toBe(true);
      await checkPage(page, "preferences");
      await page.getByLabel("Name (optional)").fill("Robin");
      await page.getByLabel("Housing").check();
      await page.getByRole("button", { name: "Save preferences" }).click();
      await page.getByRole("status").getByText("Saved.").waitFor();
      expect(await page.getByLabel("Housing").isChecked()).toBe(true);
      expect(await page.getByLabel("Name (optional)").inputValue()).toBe("Robin");
      await checkPage(page, "preferences-saved");

      // A digest on a topic the reader added arrives; its unsubscribe link opens a page with a button.
      const title = await publishAndSend("housing", `2031-W${10 + index}`);
      const digest = await waitForEmail(journey.stack.mailUrl, email, /the week of/);
      expect(digest.body.text).toContain(title);
      await page.goto(linkIn(digest, "/unsubscribe"));
      await heading(page, "Unsubscribe");
      await checkPage(page, "unsubscribe");
      await page.getByRole("button", { name: "Unsubscribe me" }).click();
      await heading(page, "You're unsubscribed");
      await checkPage(page, "unsubscribed");

      // The manage link (from the welcome email) now says nothing is being sent.
      const welcome = await waitForEmail(journey.stack.mailUrl, email, /^Welcome/);
      const manage = await context.newPage();
      await manage.goto(linkIn(welcome, "/preferences"));
      await manage.getByText("This address is not subscribed at the moment").waitFor();
      await manage.close();

      // Undo is a new opt-in: the confirmation sent minutes ago is not sent again, but confirming it now works.
      await page.getByRole("button", { name: "Undo: subscribe me again" }).click();
      await heading(page, "Check your inbox");
      await page.getByText("We emailed you a confirmation link a few minutes ago").waitFor();
      await checkPage(page, "resubscribe");
      await page.goto(confirmLink);
      await page.getByRole("button", { name: "Yes, subscribe me" }).click();
      await heading(page, "You're subscribed");
      await context.close();
    });
  }

  it("moves keyboard focus in reading order, visibly, starting with a skip link", async () => {
    const { context, page } = await openPage(journey.browser, { width: 375, height: 812 });
    await page.goto(`${journey.stack.url}/`);
    const topics = await page.locator("fieldset label").allInnerTexts();
    const expected = ["Skip to the content", "Tidings", "Topics", "Your account", "Українська", "Email address", "Your name (optional)", ...topics];
    expected.push("How often", "Language of your emails", "Subscribe", "Sign in", "Become a patron");
    const focused: string[] = [];
    for (let i = 0; i < expected.length; i++) {
      await page.keyboard.press("Tab");
      const { name, outline } = (await page.evaluate(`(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const name = (el.labels && el.labels[0] ? el.labels[0].innerText : el.innerText).trim();
        return { name, outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 };
      })()`)) as { name: string; outline: boolean };
      focused.push(name);
      expect(outline, `no visible focus on "${name}"`).toBe(true);
    }
    expect(focused).toEqual(expected);

    // The skip link, once focused, is on screen and takes focus past the navigation.
    await page.goto(`${journey.stack.url}/`);
    await page.keyboard.press("Tab");
    const box = await page.getByRole("link", { name: "Skip to the content" }).boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    await page.keyboard.press("Enter");
    expect(await page.evaluate("document.activeElement.id")).toBe("main");
    await context.close();
  });

  for (const viewport of viewports) {
    it(`answers a bad link with a friendly 400 page and an unknown address with a 404 page (${viewport.width} px)`, async () => {
      const { context, page } = await openPage(journey.browser, viewport);
      const bad = await page.goto(`${journey.stack.url}/confirm?token=confirm.sub_x.0.forged`);
      expect(bad?.status()).toBe(400);
      await heading(page, "This didn't work");
      await page.getByText("copy the whole link").waitFor();
      await checkPage(page, "error-400");
      const missing = await page.goto(`${journey.stack.url}/no-such-page`);
      expect(missing?.status()).toBe(404);
      await heading(page, "Not found");
      await checkPage(page, "error-404");
      await context.close();
    });
  }
});
