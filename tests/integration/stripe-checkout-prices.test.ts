/**
 * Choosing a price at Checkout, against the local stack and the fake Stripe: a tier's current prices (monthly and
 * yearly, two currencies) on `/join` and by API, a choice Checkout is sent, every wrong choice a 400 naming its field
 * with no call to Stripe; a tier's trial and promotion codes, and Stripe Tax with STRIPE_AUTOMATIC_TAX=on, in the
 * Checkout request only when configured; a trial's checkout completing into an active patron; and monthly recurring
 * revenue per currency with a yearly price as a twelfth.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as Patrons from "../../core/patrons";
import type { Patron } from "../../core/patrons";
import { stats } from "../../core/subscribers/stats";
import { editor } from "../helpers/editor";
import { savePatron, saveSubscriber, signedIn } from "../helpers/factories";
import { postForm, postJson, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { body, deliver, useFakeStripe } from "../helpers/stripe";
import { checkoutSession, customer, event, subscription } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

/** Coffee in euros and pounds, monthly and yearly, with a retired price, a trial and promotion codes; Co-creator plain. */
const TIERS = [
  {
    id: "coffee",
    name: "Coffee",
    voteWeight: 1,
    trialDays: 14,
    promotionCodes: true,
    prices: [
      { id: "price_coffee_m_eur", amount: 500, currency: "eur", interval: "month" },
      { id: "price_coffee_y_eur", amount: 5000, currency: "eur", interval: "year" },
      { id: "price_coffee_m_gbp", amount: 450, currency: "gbp", interval: "month" },
      { id: "price_coffee_y_gbp", amount: 4500, currency: "gbp", interval: "year" },
      { id: "price_coffee_2025", amount: 400, currency: "eur", interval: "month", retired: true },
    ],
  },
  { id: "co-creator", name: "Co-creator", priceId: "price_cocreator", amount: 1500, currency: "eur", interval: "month", voteWeight: 3 },
];

const saved: Record<string, string | undefined> = {};
const setEnv = (name: string, value: string | undefined) => {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  Config.reset();
};
beforeAll(() => {
  for (const name of ["TIERS", "STRIPE_AUTOMATIC_TAX"]) saved[name] = process.env[name];
  setEnv("TIERS", JSON.stringify(TIERS));
});
afterEach(() => setEnv("STRIPE_AUTOMATIC_TAX", saved.STRIPE_AUTOMATIC_TAX));
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) setEnv(name, value);
});

/** The params of the Checkout session an anonymous `POST /api/membership/checkout` with `fields` created. */
async function checkoutWith(fields: Record<string, string>) {
  const response = await postJson("/api/membership/checkout", { email: uniqueEmail("prices"), ...fields }, randomIp());
  expect(response.status, JSON.stringify(fields)).toBe(200);
  return stripe.fake.checkoutSessions.at(-1)!.params;
}

const priceOf = (params: Record<string, any>) => params.line_items[0].price;

describe("choosing a price at Checkout", () => {
  it("sends the price chosen by id, by interval, by currency or both; without a choice the tier's first current price", async () => {
    expect(priceOf(await checkoutWith({ tier: "coffee" }))).toBe("price_coffee_m_eur");
    expect(priceOf(await checkoutWith({ tier: "coffee", interval: "year" }))).toBe("price_coffee_y_eur");
    expect(priceOf(await checkoutWith({ tier: "coffee", price: "price_coffee_y_eur" }))).toBe("price_coffee_y_eur");
    expect(priceOf(await checkoutWith({ tier: "coffee", currency: "GBP" }))).toBe("price_coffee_m_gbp");
    expect(priceOf(await checkoutWith({ tier: "coffee", interval: "year", currency: "gbp" }))).toBe("price_coffee_y_gbp");
    expect(priceOf(await checkoutWith({ tier: "co-creator" }))).toBe("price_cocreator");
  });

  it("refuses a retired price, another tier's, an unknown currency or interval with a 400 naming the field, and calls Stripe not at all", async () => {
    const before = stripe.fake.requests.length;
    const refusals: Array<[Record<string, string>, string]> = [
      [{ tier: "coffee", price: "price_coffee_2025" }, "price"],
      [{ tier: "coffee", price: "price_cocreator" }, "price"],
      [{ tier: "coffee", price: "price_nobody_knows" }, "price"],
      [{ tier: "coffee", price: "price_coffee_y_eur", interval: "year" }, "price"],
      [{ tier: "coffee", currency: "usd" }, "currency"],
      [{ tier: "co-creator", interval: "year" }, "interval"],
      [{ tier: "coffee", interval: "week" }, "interval"],
      [{ tier: "coffee", currency: "euro" }, "currency"],
    ];
    for (const [fields, field] of refusals) {
      const response = await postJson("/api/membership/checkout", { email: uniqueEmail("refused"), ...fields }, randomIp());
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(JSON.stringify((await body(response)).error), JSON.stringify(fields)).toContain(field);
    }
    expect(stripe.fake.requests.length).toBe(before);
  });

  it("asks for the tier's trial (a first membership's) and promotion codes only where the tier has them; Stripe Tax only with STRIPE_AUTOMATIC_TAX=on", async () => {
    const coffee = await checkoutWith({ tier: "coffee", interval: "year" });
    expect(coffee.subscription_data).toMatchObject({ trial_period_days: "14", metadata: { tierId: "coffee" } });
    expect(coffee.allow_promotion_codes).toBe("true");
    expect(coffee.automatic_tax).toBeUndefined();
    const cocreator = await checkoutWith({ tier: "co-creator" });
    expect(cocreator.subscription_data.trial_period_days).toBeUndefined();
    expect(cocreator.allow_promotion_codes).toBeUndefined();

    setEnv("STRIPE_AUTOMATIC_TAX", "on");
    const taxed = await checkoutWith({ tier: "co-creator" });
    expect(taxed.automatic_tax).toEqual({ enabled: "true" });
    expect(taxed.customer_update).toBeUndefined(); // a new customer: Checkout collects the address and keeps it

    // A returning patron's customer is reused, and the address they give Checkout is saved to it for Stripe Tax.
    const subscriber = await saveSubscriber({ email: uniqueEmail("taxed") });
    const cus = customer({ email: subscriber.email });
    stripe.fake.customers.set(cus.id, cus);
    await savePatron({ subscriberId: subscriber.id, status: "lapsed", stripeCustomerId: cus.id, stripeSubscriptionId: "sub_old", subscriptionStatus: "canceled" });
    const response = await (await signedIn(subscriber.id)).post("/api/membership/checkout", { tier: "coffee", currency: "gbp" });
    expect(response.status).toBe(200);
    expect(stripe.fake.checkoutSessions.at(-1)!.params).toMatchObject({
      customer: cus.id,
      line_items: [{ price: "price_coffee_m_gbp" }],
      automatic_tax: { enabled: "true" },
      customer_update: { address: "auto" },
    });
    // A trial is for a first paid membership: someone who paid before gets none, signed in or not.
    expect(stripe.fake.checkoutSessions.at(-1)!.params.subscription_data.trial_period_days).toBeUndefined();
    expect((await checkoutWith({ tier: "coffee", email: subscriber.email })).subscription_data.trial_period_days).toBeUndefined();
  });

  it("lists each tier's current prices, never a price id", async () => {
    const { tiers } = await body(await request("/api/tiers"));
    expect(tiers[0]).toMatchObject({ id: "coffee", amount: 500, currency: "eur", interval: "month", trialDays: 14 });
    expect(tiers[0].prices).toEqual([
      { amount: 500, currency: "eur", interval: "month" },
      { amount: 5000, currency: "eur", interval: "year" },
      { amount: 450, currency: "gbp", interval: "month" },
      { amount: 4500, currency: "gbp", interval: "year" },
    ]);
    expect(tiers[1].trialDays).toBeUndefined();
    expect(JSON.stringify(tiers)).not.toContain("price_");
  });
});

describe("the join page", () => {
  it("offers each tier's current prices as one choice, the named tier's first price chosen, and Checkout gets the one picked", async () => {
    const html = await (await request("/join")).text();
    const choices = [...html.matchAll(/<input type="radio" id="([^"]+)" name="plan" value="([^"]+)"( checked)?/g)];
    expect(choices.map((m) => m[2])).toEqual(["coffee/month/eur", "coffee/year/eur", "coffee/month/gbp", "coffee/year/gbp", "co-creator/month/eur"]);
    expect(choices.filter((m) => m[3]).map((m) => m[2])).toEqual(["coffee/month/eur"]);
    for (const [, id] of choices) expect(html).toContain(`<label for="${id}">`);
    expect(html).toContain("€50 a year (two months free)");
    expect(html).toContain("£45 a year (two months free)");
    expect(html).toContain("<legend>Coffee</legend>");
    expect(html).toContain("The first 14 days are free.");
    expect(html).not.toContain("€4 a month"); // the retired price
    expect(await (await request("/join?tier=co-creator")).text()).toMatch(/value="co-creator\/month\/eur" checked/);

    const response = await postForm("/join", { plan: "coffee/year/gbp", email: uniqueEmail("join") }, randomIp());
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(stripe.fake.checkoutSessions.at(-1)!.session.url);
    expect(priceOf(stripe.fake.checkoutSessions.at(-1)!.params)).toBe("price_coffee_y_gbp");
    // A link's tier alone still works: its first current price.
    expect((await postForm("/join", { tier: "coffee", email: uniqueEmail("join") }, randomIp())).status).toBe(303);
    expect(priceOf(stripe.fake.checkoutSessions.at(-1)!.params)).toBe("price_coffee_m_eur");
  });

  it("refuses a choice the tier doesn't offer, or two choices at once, with a 400 page and no call to Stripe", async () => {
    const before = stripe.fake.requests.length;
    const refusals: Array<Record<string, string>> = [
      { plan: "coffee/month/usd" },
      { plan: "co-creator/year/eur" },
      { plan: "coffee/year/eur", tier: "co-creator" },
      { plan: "coffee" },
      { tier: "coffee", currency: "usd" },
      {},
    ];
    for (const fields of refusals) {
      const response = await postForm("/join", { ...fields, email: uniqueEmail("join-refused") }, randomIp());
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(response.headers.get("content-type"), JSON.stringify(fields)).toMatch(/text\/html/);
    }
    expect(stripe.fake.requests.length).toBe(before);
  });
});

describe("a trial", () => {
  it("a trialing subscription from Checkout makes an active patron, welcomed once", async () => {
    const reader = await saveSubscriber({ email: uniqueEmail("trial") });
    const response = await (await signedIn(reader.id)).post("/api/membership/checkout", { tier: "coffee", interval: "year" });
    expect(response.status).toBe(200);
    const { params } = stripe.fake.checkoutSessions.at(-1)!;
    expect(params.subscription_data.trial_period_days).toBe("14");

    // Stripe completes the checkout: a customer with the reader's address and a subscription in its trial.
    const cus = customer({ email: reader.email });
    stripe.fake.customers.set(cus.id, cus);
    const now = Math.floor(Date.now() / 1000);
    const sub = subscription({
      customer: cus.id,
      status: "trialing",
      priceId: priceOf(params),
      metadata: params.subscription_data.metadata,
      periodStart: now,
      periodEnd: now + 14 * 24 * 3600,
    });
    stripe.fake.put({ ...sub, trial_start: now, trial_end: now + 14 * 24 * 3600 });
    const session = checkoutSession({ customer: cus.id, subscription: sub.id, clientReferenceId: reader.id, metadata: params.metadata });
    expect((await deliver(event("checkout.session.completed", session))).status).toBe(200);
    expect((await deliver(event("customer.subscription.created", stripe.fake.subscriptions.get(sub.id)!))).status).toBe(200);

    expect(await Patrons.get(reader.id)).toMatchObject({
      status: "active",
      tierId: "coffee",
      stripePriceId: "price_coffee_y_eur",
      subscriptionStatus: "trialing",
    });
    expect((await mailTo(reader.email)).filter((m) => /Welcome/.test(m.subject))).toHaveLength(1);
  });
});

describe("monthly recurring revenue", () => {
  it("sums each currency apart, a yearly price as a twelfth of the currency's total, and leaves trials and comps out", async () => {
    const before = (await stats()).monthlyRecurringRevenue;
    const at = new Date().toISOString();
    const patrons: Array<Partial<Patron>> = [
      { status: "active", stripePriceId: "price_coffee_m_eur" },
      { status: "active", stripePriceId: "price_coffee_y_eur" },
      { status: "grace", stripePriceId: "price_coffee_y_eur" },
      { status: "active", stripePriceId: "price_coffee_y_eur" },
      { status: "active", stripePriceId: "price_coffee_2025" }, // retired: counted at what they pay
      { status: "active", stripePriceId: "price_coffee_m_gbp" },
      { status: "active", stripePriceId: "price_coffee_y_gbp" },
      { status: "active", stripePriceId: "price_coffee_y_gbp", subscriptionStatus: "trialing" }, // pays nothing yet
      { status: "lapsed", stripePriceId: "price_coffee_y_gbp" },
      { status: "comped", stripePriceId: undefined, stripeSubscriptionId: undefined, compTierId: "coffee", compedUntil: "2031-12-31T23:59:59.999Z" },
    ];
    for (const fields of patrons) {
      const reader = await saveSubscriber({ email: uniqueEmail("mrr") });
      const patron = { subscriberId: reader.id, tierId: "coffee", stripeSubscriptionId: `sub_mrr_${reader.id}`, createdAt: at, updatedAt: at, version: 1 };
      await Db.Patrons.save({ ...patron, subscriptionStatus: "active", ...fields } as Patron);
    }
    const after = (await stats()).monthlyRecurringRevenue;
    // EUR: 5.00 + 4.00 a month and three times 50.00 a year: (900 × 12 + 15000) / 12 = 2150 (three twelfths of
    // 5000 rounded one by one would be 1251, not 1250). GBP: 4.50 a month and 45.00 a year: (5400 + 4500) / 12 = 825.
    expect((after.eur ?? 0) - (before.eur ?? 0)).toBe(2150);
    expect((after.gbp ?? 0) - (before.gbp ?? 0)).toBe(825);

    const response = await editor("GET", "/api/stats");
    expect(response.status).toBe(200);
    expect((await body(response)).monthlyRecurringRevenue).toEqual(after);
  });
});
