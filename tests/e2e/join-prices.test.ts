/**
 * The join page's price choices in a real browser (Debian's Chromium), on a phone and a desktop: a tier with monthly
 * and yearly prices in two currencies, and a plain one. The page passes axe-core, fits the viewport and breaks no
 * Content-Security-Policy; a choice is found by its label within its tier's group, and Checkout is asked for that
 * price. The app is served in process over HTTP against the local stack and the fake Stripe, whose Checkout URL the
 * browser is not let out to.
 */
import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import { app } from "../../functions/api/app";
import { launchBrowser, viewports } from "../helpers/browser";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { checkPage, heading, openPage } from "../helpers/pages";
import { useFakeStripe } from "../helpers/stripe";

useLocalStack();
const stripe = useFakeStripe();

const TIERS = [
  {
    id: "coffee",
    name: "Coffee",
    voteWeight: 1,
    trialDays: 14,
    prices: [
      { id: "price_coffee_m_eur", amount: 500, currency: "eur", interval: "month" },
      { id: "price_coffee_y_eur", amount: 5000, currency: "eur", interval: "year" },
      { id: "price_coffee_m_gbp", amount: 450, currency: "gbp", interval: "month" },
      { id: "price_coffee_y_gbp", amount: 4500, currency: "gbp", interval: "year" },
    ],
  },
  { id: "co-creator", name: "Co-creator", priceId: "price_cocreator", amount: 1500, currency: "eur", interval: "month", voteWeight: 3 },
];

let server: ServerType;
let base: string;
let browser: Browser;
let previous: string | undefined;

beforeAll(async () => {
  previous = process.env.TIERS;
  process.env.TIERS = JSON.stringify(TIERS);
  Config.reset();
  browser = await launchBrowser();
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => ready());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  process.env.TIERS = previous;
  Config.reset();
});

describe("the join page's prices", () => {
  for (const viewport of viewports) {
    it(`offers each tier's prices by label and sends the one chosen to Checkout (${viewport.width} px)`, async () => {
      const { context, page } = await openPage(browser, viewport);
      // Checkout is Stripe's page: answer it here rather than let the browser out.
      await context.route(/^https:\/\/checkout\.stripe\.com\//, (route) => route.fulfill({ contentType: "text/html", body: "<title>Checkout</title>" }));

      await page.goto(`${base}/join`);
      await heading(page, "Become a patron");
      await checkPage(page, "join-prices");
      const coffee = page.getByRole("group", { name: "Coffee" });
      expect(await coffee.getByRole("radio", { name: "€5 a month" }).isChecked()).toBe(true);
      await coffee.getByRole("radio", { name: "£45 a year (two months free)" }).check();
      await page.getByLabel("Your email address").fill(uniqueEmail(`join-${viewport.name}`));
      await page.getByRole("button", { name: "Continue to payment" }).click();
      await page.waitForURL(/^https:\/\/checkout\.stripe\.com\//);

      const { params, session } = stripe.fake.checkoutSessions.at(-1)!;
      expect(page.url()).toBe(session.url);
      expect(params.line_items[0].price).toBe("price_coffee_y_gbp");
      expect(params.subscription_data.trial_period_days).toBe("14");
      await context.close();
    });
  }
});
