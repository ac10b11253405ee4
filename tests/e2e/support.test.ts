/**
 * The support page in a real browser (Debian's Chromium), on a phone and a desktop: it passes axe-core, fits the
 * viewport and breaks no Content-Security-Policy; `?topic=` preselects the topic, whose funding goal shows its
 * progress (text and a labelled progress bar); another amount with the fee
 * covered goes to Checkout as two lines. The app is served in process over HTTP against the local stack and the
 * fake Stripe, whose Checkout URL the browser is not let out to.
 */
import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import { launchBrowser, viewports } from "../helpers/browser";
import { createTopic } from "../helpers/factories";
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
