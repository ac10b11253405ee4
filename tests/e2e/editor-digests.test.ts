/**
 * The dashboard's digests in a real browser (Debian's Chromium), on a phone and a desktop: the list, a digest's page
 * with its previews in sandboxed frames (which our policy lets our own pages show), the confirm step, and the page
 * of a digest being sent, whose script (the one script the dashboard serves) follows the send until it is sent.
 * Each is accessible (axe-core), fits the viewport and breaks no Content-Security-Policy. Without JavaScript the
 * sending page refreshes itself until the digest is sent. The app is served in
 * process over HTTP against the local stack, its PUBLIC_URL the served address (so the forms' Origin is our own);
 * the editor's session is a cookie added to the browser.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as Delivery from "../../core/delivery";
import { drain } from "../../scripts/local-worker";
import { viewports } from "../helpers/browser";
import { useServedApp } from "../helpers/served-app";
import { browserCookie, dashboardCookie } from "../helpers/dashboard";
import { publish } from "../helpers/editor";
import { createArticle, saveSubscriber, uniquePeriod } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { checkPage, heading, openPage } from "../helpers/pages";

useLocalStack();

const served = useServedApp();

beforeAll(async () => {
  await publish({ "e2e-rail": "Railways" }, [{ id: "e2e-night-trains", title: "The night trains return", topics: ["e2e-rail"] }]);
  for (const frequency of ["daily", "weekly"] as const) await saveSubscriber({ frequency, email: uniqueEmail(`e2e-${frequency}`) });
});


describe("the dashboard's digests", () => {
  for (const viewport of viewports) {
    it(`creates, previews and sends a digest, following it until sent (${viewport.width} px)`, async () => {
      // A frequency of its own per viewport: a sent digest's successor covers only what was published after it.
      const frequency = viewport.name === "phone" ? "daily" : "weekly";
      const { context, page } = await openPage(served.browser, viewport);
      await context.addCookies([browserCookie(await dashboardCookie("editor"), served.base)]);

      await page.goto(`${served.base}/editor/digests`);
      await heading(page, "Digests");
      await checkPage(page, `editor-digests-${viewport.name}`);
      await page.getByLabel("Frequency").selectOption(frequency);
      await page.getByLabel("Period (optional)").fill(uniquePeriod(frequency));
      await page.getByLabel("Subject (optional)").fill(`Trains, ${viewport.name}`);
      await page.getByRole("button", { name: "Create digest" }).click();
      await heading(page, `Trains, ${viewport.name}`);
      expect(await page.getByRole("status").textContent()).toContain("Digest created.");

      // The previews: each copy at both widths, in frames whose documents show the email.
      const frames = page.locator("iframe[sandbox='']");
      expect(await frames.count()).toBe(4);
      for (const frame of await frames.all()) await frame.scrollIntoViewIfNeeded();
      await expect
        .poll(async () => page.frames().filter((frame) => frame !== page.mainFrame() && frame.url().includes("/preview?")).length)
        .toBe(4);
      for (const frame of page.frames().filter((frame) => frame !== page.mainFrame())) {
        await expect.poll(() => frame.content()).toContain("The night trains return");
      }
      await checkPage(page, `editor-digest-previews-${viewport.name}`);

      // After the full-page screenshot, scrolled to the link first: a click at its old place misses it.
      const send = page.getByRole("link", { name: "Send to subscribers…" });
      await send.scrollIntoViewIfNeeded();
      await send.click();
      await heading(page, "Send this digest?");
      await checkPage(page, `editor-digest-confirm-${viewport.name}`);
      await page.getByRole("button", { name: "Yes, send it now" }).click();
      await heading(page, `Trains, ${viewport.name}`);
      expect(await page.getByRole("status").textContent()).toContain("Sending has begun.");
      await page.getByRole("heading", { name: "Progress" }).waitFor();
      await checkPage(page, `editor-digest-sending-${viewport.name}`);

      // The send goes out; the page's script notices and shows it sent.
      await drain({ workers: 1, bucket: new Delivery.TokenBucket(1000) });
      await page.getByText("Sent, finished").waitFor({ timeout: 30_000 });
      await checkPage(page, `editor-digest-sent-${viewport.name}`);
      await context.close();
    });
  }

  it("follows a send without JavaScript: the page refreshes itself until the digest is sent", async () => {
    await saveSubscriber({ frequency: "daily", email: uniqueEmail("e2e-no-script") });
    await createArticle({ id: `e2e-no-script-${Date.now()}`, title: "Published just now", topics: ["e2e-rail"] });
    const context = await served.browser.newContext({ viewport: viewports[0], javaScriptEnabled: false });
    await context.addCookies([browserCookie(await dashboardCookie("editor"), served.base)]);
    const page = await context.newPage();
    await page.goto(`${served.base}/editor/digests`);
    await page.getByLabel("Frequency").selectOption("daily");
    await page.getByLabel("Period (optional)").fill(uniquePeriod("daily"));
    await page.getByLabel("Subject (optional)").fill("Without a script");
    await page.getByRole("button", { name: "Create digest" }).click();
    await heading(page, "Without a script");
    await page.getByRole("link", { name: "Send to subscribers…" }).click();
    await page.getByRole("button", { name: "Yes, send it now" }).click();
    await page.getByRole("heading", { name: "Progress" }).waitFor();
    expect(await page.getByText("Sent, finished").count()).toBe(0);
    await drain({ workers: 1, bucket: new Delivery.TokenBucket(1000) });
    await page.getByText("Sent, finished").waitFor({ timeout: 30_000 });
    await context.close();
  });

  it("speaks Ukrainian to an editor whose browser does: the list, a digest's previews in either language, the confirm step, the progress its script follows", async () => {
    await createArticle({ id: `e2e-ukrainian-${Date.now()}`, title: "Нічні потяги повертаються", topics: ["e2e-rail"] });
    const { context, page } = await openPage(served.browser, viewports[1]!, { locale: "uk-UA" });
    await context.addCookies([browserCookie(await dashboardCookie("editor"), served.base)]);
    await page.goto(`${served.base}/editor/digests`);
    await heading(page, "Дайджести");
    expect(await page.locator("html").getAttribute("lang")).toBe("uk");
    await page.getByLabel("Частота").selectOption("daily");
    await page.getByLabel("Період (необов'язково)").fill(uniquePeriod("daily"));
    await page.getByLabel("Тема (необов'язково)").fill("Потяги");
    await page.getByRole("button", { name: "Створити дайджест" }).click();
    await heading(page, "Потяги");
    expect(await page.getByRole("status").textContent()).toContain("Дайджест створено.");
    // The free and patron copies in Ukrainian, then in English by the link of the language.
    expect(await page.locator("iframe[src*='language=uk']").count()).toBe(4);
    await page.getByRole("link", { name: "англійська" }).click();
    await page.locator("iframe[src*='language=en']").first().waitFor({ state: "attached" });
    expect(await page.locator("iframe[src*='language=en']").count()).toBe(4);
    await checkPage(page, "editor-digest-uk");

    const send = page.getByRole("link", { name: "Надіслати підписникам…" });
    await send.scrollIntoViewIfNeeded();
    await send.click();
    await heading(page, "Надіслати цей дайджест?");
    await page.getByRole("button", { name: "Так, надіслати зараз" }).click();
    await page.getByRole("heading", { name: "Перебіг" }).waitFor();
    await checkPage(page, "editor-digest-sending-uk");
    await drain({ workers: 1, bucket: new Delivery.TokenBucket(1000) });
    await page.getByText("Надіслано, завершено").waitFor({ timeout: 30_000 });
    await context.close();
  });
});
