/**
 * An editor's journey in a real browser (Debian's Chromium) against `npm start`, on a phone and a desktop: the demo
 * editor signs in with the link waiting in the mail viewer (on the phone; on the desktop a second editor asks for
 * one on the sign-in page) → the overview → creates a digest → its previews → a test copy, found in the mail viewer → sends
 * it to the seeded list and watches it finish → approves the seeded patron's proposal → marks a topic covered.
 * Every page passes axe-core (no serious or critical violations), fits the viewport and breaks no
 * Content-Security-Policy.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { viewports } from "../helpers/browser";
import { checkPage, heading, linkIn, openPage, useJourney, waitForEmail } from "../helpers/pages";

/** The demo editor, whose link `npm start` puts in the mail viewer, and a second editor who asks for one. */
const EDITOR = "editor@tidings.example";
const DESK = "desk@tidings.example";
const journey = useJourney({ env: { EDITORS: `${EDITOR}:admin,${DESK}:editor` } });
const DASHBOARD_LINK = /dashboard/;

/** Signs in: the demo editor with the link `npm start` sent; the desk editor by asking for one on the sign-in page. */
async function signIn(page: Page, first: boolean, name: string) {
  const email = first ? EDITOR : DESK;
  if (!first) {
    await page.goto(`${journey.stack.url}/editor/login`);
    await heading(page, "Sign in to the dashboard");
    await checkPage(page, `editor-login-${name}`);
    await page.getByLabel("Email address").fill(email);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await heading(page, "Check your email");
  }
  await page.goto(linkIn(await waitForEmail(journey.stack.mailUrl, email, DASHBOARD_LINK), "/editor/signin"));
  await heading(page, "Sign in to the dashboard");
  await page.getByRole("button", { name: "Sign me in" }).click();
  await heading(page, "Overview");
  await checkPage(page, `editor-overview-${name}`);
}

describe("an editor's journey", () => {
  for (const [index, viewport] of viewports.entries()) {
    it(`signs in, creates, previews, tests and sends a digest, approves a proposal and marks a topic covered (${viewport.width} px)`, async () => {
      const { page } = await openPage(journey.browser, viewport);
      await signIn(page, index === 0, viewport.name);

      // A digest: the weekly one on the phone, the daily one on the desktop (each sent once).
      const frequency = index === 0 ? "weekly" : "daily";
      const subject = `The ${frequency} journey ${viewport.name}`;
      await page.getByRole("link", { name: "Digests" }).click();
      await heading(page, "Digests");
      await checkPage(page, `editor-digests-${viewport.name}`);
      await page.getByLabel("Frequency").selectOption(frequency);
      await page.getByLabel("Subject (optional)").fill(subject);
      await page.getByRole("button", { name: "Create digest" }).click();
      await page.waitForURL(/\/editor\/digests\/[^/?]+\?notice=/);
      await heading(page, subject);
      expect(await page.locator("iframe").count()).toBeGreaterThanOrEqual(4); // free and patron, phone and desktop
      await checkPage(page, `editor-digest-${viewport.name}`);

      // A test copy lands in the mail viewer, marked [TEST].
      const tester = `desk-${viewport.name}@newsroom.example`;
      await page.getByLabel(/^To \(up to 10 addresses/).fill(tester);
      await page.getByRole("button", { name: "Send test copies" }).click();
      await page.getByText("Test copies sent to 1 address.").waitFor(); // the answer's page, not the one it replaces
      const test = await waitForEmail(journey.stack.mailUrl, tester, /^\[TEST\]/);
      expect(test.subject).toContain(subject);

      // Send it to the seeded list, and watch it finish (the page refreshes itself).
      await page.getByRole("link", { name: "Send to subscribers…" }).click();
      await heading(page, "Send this digest?");
      await checkPage(page, `editor-send-${viewport.name}`);
      await page.getByRole("button", { name: "Yes, send it now" }).click();
      await page.waitForURL(/\?notice=sending/); // (a send that already finished shows no notice of its start)
      await expect
        .poll(
          async () => {
            await page.reload();
            return page.getByText(/^Sent, finished/).count();
          },
          { timeout: 90_000, interval: 1000 },
        )
        .toBe(1);
      expect(Number(await page.locator('[data-field="sent"]').innerText())).toBeGreaterThan(0);
      await checkPage(page, `editor-digest-sent-${viewport.name}`);

      // Topics: approve the seeded proposal (once: the phone approves, the desktop finds it open), mark one covered.
      await page.getByRole("link", { name: "Topics" }).click();
      await heading(page, "Topics");
      await checkPage(page, `editor-topics-${viewport.name}`);
      const approve = page.getByRole("button", { name: /^Approve “Night trains”/ });
      if (index === 0) {
        await approve.click();
        await page.waitForURL(/\/editor\/topics\?/);
        await heading(page, "Topics");
      }
      expect(await approve.count()).toBe(0);
      expect(await page.getByRole("heading", { level: 2, name: /Open/ }).count()).toBe(1);
      await page.getByRole("link", { name: index === 0 ? "Housing" : "City hall", exact: true }).click();
      await heading(page, index === 0 ? "Housing" : "City hall");
      await page.locator('input[type="checkbox"][name="articleIds"]').first().check();
      await page.getByRole("button", { name: "Mark covered" }).click();
      await page.waitForURL(/\?done=covered/);
      await checkPage(page, `editor-topic-covered-${viewport.name}`);
      const topics = (await journey.call("GET", "/api/topics")) as { topics: Array<{ id: string; status: string }> };
      expect(topics.topics.find((topic) => topic.id === (index === 0 ? "housing" : "city-hall"))?.status).toBe("covered");
    }, 240_000);
  }
});
