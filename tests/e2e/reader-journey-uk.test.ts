/**
 * A Ukrainian reader's journey in a real browser against `npm start`, on a phone and a desktop: a browser whose
 * language is Ukrainian (`Accept-Language: uk-UA`) gets the sign-up page in Ukrainian, signs up, confirms from the
 * email (whose link opens Ukrainian pages even in an English browser), changes preferences, and reads a Ukrainian
 * digest that gives a story once, in its Ukrainian translation. The visible switch turns a visitor's pages to
 * English and back. Every page passes axe-core, fits the viewport and breaks no Content-Security-Policy.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { viewports } from "../helpers/browser";
import { uniqueEmail } from "../helpers/mail";
import { checkPage, heading, linkIn, openPage, useJourney, waitForEmail } from "../helpers/pages";

const journey = useJourney();

/** Publishes a story in English and its Ukrainian translation on `topic`, and sends a weekly digest of `period`. */
async function publishBothAndSend(topic: string, period: string): Promise<{ english: string; ukrainian: string }> {
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const english = `Reporting on the grain corridor (${id})`;
  const ukrainian = `Репортаж про зерновий коридор (${id})`;
  const publishedAt = new Date().toISOString();
  await journey.editor("PUT", `/api/articles/${id}`, { title: english, url: `https://news.example.org/en/${id}`, topics: [topic], publishedAt, language: "en" });
  await journey.editor("PUT", `/api/articles/${id}-uk`, {
    title: ukrainian,
    url: `https://news.example.org/uk/${id}`,
    topics: [topic],
    publishedAt,
    language: "uk",
    translationOf: id,
  });
  const { digest } = await journey.editor("POST", "/api/digests", { frequency: "weekly", period });
  await journey.editor("POST", `/api/digests/${digest.id}/send`);
  return { english, ukrainian };
}

const htmlLang = (page: import("playwright-core").Page) => page.evaluate("document.documentElement.lang");

describe("a Ukrainian reader's journey", () => {
  for (const [index, viewport] of viewports.entries()) {
    it(`signs up in Ukrainian, confirms, sets preferences and reads a Ukrainian digest (${viewport.width} px)`, async () => {
      const { context, page } = await openPage(journey.browser, viewport, { locale: "uk-UA" });
      const email = uniqueEmail(`uk-reader-${viewport.name}`);

      // The browser's language decides: the home page is Ukrainian, and offers Ukrainian for the emails.
      await page.goto(`${journey.stack.url}/`);
      expect(await htmlLang(page)).toBe("uk");
      await checkPage(page, "uk-home");
      await page.getByLabel("Електронна пошта").fill(email);
      expect(await page.getByLabel("Мова листів").inputValue()).toBe("uk");
      const topic = page.locator("fieldset input[type=checkbox]").first();
      const topicId = await topic.getAttribute("value");
      await topic.check();
      await page.getByRole("button", { name: "Підписатися" }).click();
      await heading(page, "Перевірте пошту");
      await checkPage(page, "uk-check-inbox");

      // The confirmation is Ukrainian; its link opens a Ukrainian page even in a browser set to English.
      const confirmation = await waitForEmail(journey.stack.mailUrl, email, /^Підтвердьте підписку/);
      expect(confirmation.body.html).toMatch(/<html lang="uk"/);
      const english = await openPage(journey.browser, viewport, { locale: "en-GB" });
      await english.page.goto(linkIn(confirmation, "/confirm"));
      await heading(english.page, "Підтвердьте підписку");
      expect(await htmlLang(english.page)).toBe("uk");
      await checkPage(english.page, "uk-confirm");
      await english.page.getByRole("button", { name: "Так, підписатися" }).click();
      await heading(english.page, "Ви підписані");
      await checkPage(english.page, "uk-confirmed");

      // Preferences, in Ukrainian: a name, saved and shown as saved.
      await english.page.getByRole("link", { name: /Виберіть теми/ }).click();
      await heading(english.page, "Ваші налаштування");
      await english.page.getByLabel("Імʼя (необовʼязково)").fill("Оксана");
      await english.page.getByRole("button", { name: "Зберегти налаштування" }).click();
      await english.page.getByRole("status").getByText("Збережено.").waitFor();
      expect(await english.page.getByLabel("Імʼя (необовʼязково)").inputValue()).toBe("Оксана");
      await checkPage(english.page, "uk-preferences-saved");
      await english.context.close();

      // A digest gives the story once, in its Ukrainian translation, greeting the reader by name.
      const story = await publishBothAndSend(topicId!, `2031-W${20 + index}`);
      const digest = await waitForEmail(journey.stack.mailUrl, email, /головне за тиждень/);
      expect(digest.body.html).toMatch(/<html lang="uk"/);
      expect(digest.body.text).toContain(story.ukrainian);
      expect(digest.body.text).not.toContain(story.english);
      expect(digest.body.text).toContain("Оксана");
      expect(digest.subject).not.toMatch(/W\d\d/);

      // Its unsubscribe link opens a Ukrainian page.
      await page.goto(linkIn(digest, "/unsubscribe"));
      await heading(page, "Відписатися");
      await checkPage(page, "uk-unsubscribe");
      await page.getByRole("button", { name: "Відписатися" }).click();
      await heading(page, "Ви відписалися");
      await checkPage(page, "uk-unsubscribed");
      await context.close();
    });
  }

  it("switches a visitor's pages between Ukrainian and English, and remembers the choice", async () => {
    const { context, page } = await openPage(journey.browser, viewports[0]!, { locale: "uk-UA" });
    await page.goto(`${journey.stack.url}/topics`);
    expect(await htmlLang(page)).toBe("uk");
    await page.getByRole("link", { name: "English" }).click();
    await page.waitForURL(/lang=en/);
    expect(await htmlLang(page)).toBe("en");
    await checkPage(page, "switched-en");
    // The choice outlives the link: a page opened without ?lang= stays English for this browser.
    await page.goto(`${journey.stack.url}/`);
    expect(await htmlLang(page)).toBe("en");
    await page.getByRole("link", { name: "Українська" }).click();
    await page.waitForURL(/lang=uk/);
    expect(await htmlLang(page)).toBe("uk");
    // The tiers are named in Ukrainian too (npm start's TIERS give `names`).
    await page.goto(`${journey.stack.url}/join`);
    await page.locator("legend", { hasText: "Кава" }).waitFor();
    await checkPage(page, "uk-join");
    await context.close();
  });
});

describe("npm start's lifecycle schedule", () => {
  it("sends the demo's due emails by itself: Оксана's best-of in Ukrainian, a win-back, and a payment-failed email with its card-update link", async () => {
    const bestOf = await waitForEmail(journey.stack.mailUrl, "oksana@example.com", /^Найкраще з «/);
    expect(bestOf.body.html).toMatch(/<html lang="uk"/);
    const winBack = await waitForEmail(journey.stack.mailUrl, "max@example.com", /^Thank you for supporting /);
    expect(winBack.body.text).toMatch(/\/join\?tier=[^\s>]*src=email(:|%3A)winback/);
    const failed = await waitForEmail(journey.stack.mailUrl, "ola@example.com", /payment didn't go through/);
    expect(failed.body.text).toMatch(/\/billing\/update\?token=/);
  });
});
