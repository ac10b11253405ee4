/**
 * The support page in a real browser (Debian's Chromium), on a phone and a desktop: it passes axe-core, fits the
 * viewport and breaks no Content-Security-Policy; `?topic=` preselects the topic, whose funding goal shows its
 * progress (text and a labelled progress bar); another amount with the fee
 * covered goes to Checkout as two lines. A browser in Ukrainian gets it all in Ukrainian (amounts as Ukrainian writes
 * them, the topic by its Ukrainian title), and so do the topics page and the thanks page; Checkout is told the language;
 * a gift bought from a Ukrainian page is redeemed on pages in Ukrainian, whatever the recipient's browser says.
 * The app is served in process over HTTP against the local stack and the fake Stripe, whose Checkout URL the browser
 * is not let out to.
 */
import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import { launchBrowser, viewports } from "../helpers/browser";
import * as Db from "../../core/db";
import * as Tokens from "../../core/tokens";
import * as Topics from "../../core/topics";
import { createTopic, uniqueSlug } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { checkPage, heading, openPage } from "../helpers/pages";
import { useFakeStripe } from "../helpers/stripe";

useLocalStack();
const stripe = useFakeStripe();

let server: ServerType;
let base: string;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => ready());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
});

describe("the support page", () => {
  for (const viewport of viewports) {
    it(`gives another amount towards a topic, covering the fee, through Checkout (${viewport.width} px)`, async () => {
      const topic = await createTopic({ title: `Shelters in Zaporizhzhia ${viewport.name}`, fundingGoal: 50_000 });
      const { context, page } = await openPage(browser, viewport);
      await context.route(/^https:\/\/checkout\.stripe\.com\//, (route) => route.fulfill({ contentType: "text/html", body: "<title>Checkout</title>" }));

      await page.goto(`${base}/support?topic=${topic.id}`);
      await heading(page, "Support our reporting");
      await checkPage(page, `support-${viewport.name}`);
      expect(await page.getByRole("radio", { name: "€5" }).isChecked()).toBe(true);
      expect(await page.getByLabel("Towards a story (optional)").inputValue()).toBe(topic.id);
      await expect.poll(() => page.getByRole("progressbar", { name: `Funding for ${topic.title}` }).count()).toBe(1);
      expect(await page.getByText("€0 of €500 raised from 0 contributions").count()).toBeGreaterThan(0);
      await page.getByRole("radio", { name: "Another amount" }).check();
      await page.getByRole("textbox", { name: /Another amount, from €1 to €1,000/ }).fill("12.50");
      await page.getByLabel("Your email address (optional: for our thank-you)").fill(uniqueEmail(`support-${viewport.name}`));
      await page.getByRole("checkbox", { name: /Add the card fee/ }).check();
      // The contribution form's button (the gift form below has its own).
      await page.locator('form[action="/support"]').getByRole("button", { name: "Continue to payment" }).click();
      await page.waitForURL(/^https:\/\/checkout\.stripe\.com\//);

      const { params, session } = stripe.fake.checkoutSessions.at(-1)!;
      expect(page.url()).toBe(session.url);
      expect(params).toMatchObject({ mode: "payment", submit_type: "donate", metadata: { kind: "contribution", topicId: topic.id } });
      expect(Object.values(params.line_items as Record<string, any>).map((line) => Number(line.price_data.unit_amount))).toEqual([1250, 45]);
      await context.close();
    });
  }
});

describe("the support and topics pages in Ukrainian", () => {
  for (const viewport of viewports) {
    it(`a browser in Ukrainian gives in Ukrainian, and Checkout is told so (${viewport.width} px)`, async () => {
      const id = uniqueSlug("shelters");
      const title = `Укриття в Запоріжжі ${viewport.name}`;
      await Topics.upsert(id, { title: `Shelters in Zaporizhzhia ${viewport.name}`, translations: { uk: { title } }, fundingGoal: 50_000 });
      const { context, page } = await openPage(browser, viewport, { locale: "uk-UA" });
      await context.route(/^https:\/\/checkout\.stripe\.com\//, (route) => route.fulfill({ contentType: "text/html", body: "<title>Checkout</title>" }));

      await page.goto(`${base}/topics`);
      await heading(page, "Про що нам написати далі?");
      expect(await page.getByRole("heading", { name: title }).count()).toBe(1);
      await checkPage(page, `topics-uk-${viewport.name}`);

      await page.goto(`${base}/support?topic=${id}`);
      await heading(page, "Підтримайте нашу журналістику");
      expect(await page.locator("html").getAttribute("lang")).toBe("uk");
      await checkPage(page, `support-uk-${viewport.name}`);
      expect(await page.getByRole("radio", { name: "5 €", exact: true }).isChecked()).toBe(true);
      expect(await page.getByLabel("На конкретний матеріал (необов'язково)").inputValue()).toBe(id);
      await expect.poll(() => page.getByRole("progressbar", { name: `Збір на тему «${title}»` }).count()).toBe(1);
      await page.getByRole("radio", { name: "Інша сума", exact: true }).check();
      await page.getByRole("textbox", { name: /^Інша сума, від 1 € до 1\s000 €/ }).fill("12,50");
      await page.getByRole("checkbox", { name: /Додати комісію за картку/ }).check();
      await page.locator('form[action="/support"]').getByRole("button", { name: "Перейти до оплати" }).click();
      await page.waitForURL(/^https:\/\/checkout\.stripe\.com\//);

      const { params } = stripe.fake.checkoutSessions.at(-1)!;
      expect(params.metadata).toMatchObject({ kind: "contribution", topicId: id, language: "uk" });
      const lines = Object.values(params.line_items as Record<string, any>);
      expect(lines.map((line) => [Number(line.price_data.unit_amount), line.price_data.product_data.name])).toEqual([
        [1250, `Внесок для Tidings: ${title}`],
        [45, "Комісія за картку"],
      ]);

      await page.goto(`${base}/support/thanks`);
      await heading(page, "Дякуємо");
      await checkPage(page, `support-thanks-uk-${viewport.name}`);
      await context.close();
    });
  }

  it("a gift bought from a Ukrainian page is redeemed on Ukrainian pages, even in an English browser", async () => {
    const at = new Date().toISOString();
    const id = `cs_test_${uniqueSlug("uk-gift").replace(/-/g, "_")}`;
    await Db.Gifts.record({
      id,
      tierId: "coffee",
      months: 2,
      recipientEmail: uniqueEmail("uk-gift"),
      message: "З днем народження!",
      deliverOn: at.slice(0, 10),
      language: "uk",
      amount: 1000,
      currency: "eur",
      status: "delivered",
      deliveredAt: at,
      createdAt: at,
      updatedAt: at,
      version: 1,
    });
    const viewport = viewports[0]!;
    const { context, page } = await openPage(browser, viewport, { locale: "en-GB" });
    await page.goto(`${base}/gift?token=${encodeURIComponent(Tokens.sign("gift", id))}`);
    await heading(page, "Подарунок для вас");
    await page.getByText("З днем народження!").waitFor();
    await checkPage(page, `gift-uk-${viewport.name}`);
    await page.getByRole("button", { name: "Активувати" }).click();
    await heading(page, "Ваш подарунок активовано");
    await page.getByText(/^Вітаємо! До \d+ [а-яіїєґ]+ \d{4} р\. у вас діє членство рівня Coffee\.$/).waitFor();
    await checkPage(page, `gift-redeemed-uk-${viewport.name}`);
    await context.close();
  });
});
