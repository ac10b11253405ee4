/**
 * A stage configured in yen, a zero-decimal currency (500 is ¥500), against the local stack and the fake Stripe:
 * the support page, the funding progress, the gift form and `/join` show yen as yen; a typed amount, a preset, the
 * covered fee and a gift are charged in yen; the thank-you and the account page say what was paid.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Stripe from "stripe";
import * as Config from "../../core/config";
import { createTopic, signedIn } from "../helpers/factories";
import { postForm, postJson, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { body, deliver, useFakeStripe } from "../helpers/stripe";
import { charge, checkoutSession, event, paymentIntent } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

const YEN = {
  CONTRIBUTION_CURRENCY: "jpy",
  CONTRIBUTION_AMOUNTS: "500,1000,3000",
  CONTRIBUTION_MIN: "100",
  CONTRIBUTION_MAX: "1000000",
  CONTRIBUTION_FEE: "3.6%",
  TIERS: JSON.stringify([
    {
      id: "coffee-jp",
      name: "Coffee",
      voteWeight: 1,
      prices: [
        { id: "price_coffee_jpy", amount: 500, currency: "jpy", interval: "month" },
        { id: "price_coffee_jpy_year", amount: 5000, currency: "jpy", interval: "year" },
      ],
    },
    { id: "yearly-jp", name: "Yearly", priceId: "price_yearly_jpy", amount: 5000, currency: "jpy", interval: "year", voteWeight: 2 },
  ]),
};
const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const [name, value] of Object.entries(YEN)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  Config.reset();
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  Config.reset();
});

const lines = () =>
  Object.values(stripe.fake.checkoutSessions.at(-1)!.params.line_items as Record<string, any>).map((l) => [
    l.price_data.currency,
    Number(l.price_data.unit_amount),
  ]);

describe("a stage in yen", () => {
  it("the support page shows yen as yen: presets, bounds, the funding progress and the gift form", async () => {
    const topic = await createTopic({ title: "Tohoku's coast", fundingGoal: 50_000 });
    const html = await (await request(`/support?topic=${topic.id}`)).text();
    for (const preset of ["JP¥500", "JP¥1,000", "JP¥3,000"]) expect(html).toContain(`>${preset}</label>`);
    expect(html).toContain("from JP¥100 to JP¥1,000,000");
    expect(html).toContain("JP¥0 of JP¥50,000 raised");
    expect(html).toContain('pattern="[0-9]+"');
    expect(html).toContain('inputmode="numeric"');
    expect(html).toContain("Coffee (JP¥500 a month)");
    expect(html).toContain("Yearly (JP¥417 a month)"); // ¥5,000 a year, a month of it rounded up to the yen
    expect(html).not.toMatch(/JP¥5(?![0-9,])|JP¥\d+\.\d/); // never ¥5, never a fraction of a yen
  });

  it("/join prices the tier in yen", async () => {
    const html = await (await request("/join")).text();
    expect(html).toContain("JP¥500 a month");
    expect(html).toContain("JP¥5,000 a year");
  });

  it("charges a typed amount, a preset and the covered fee in yen; refuses a fraction of a yen", async () => {
    const typed = await postForm("/support", { amount: "custom", custom: "1250" }, randomIp());
    expect(typed.status).toBe(303);
    expect(lines()).toEqual([["jpy", 1250]]);

    const preset = await postJson("/api/contributions/checkout", { amount: 3000, currency: "JPY", coverFee: true }, randomIp());
    expect(preset.status).toBe(200);
    // 3.6%: 3000 / 0.964 = 3112.03… → ¥3,113, so the fee line is ¥113 and Stripe's ¥112.07 leaves ¥3,000.
    expect(lines()).toEqual([
      ["jpy", 3000],
      ["jpy", 113],
    ]);

    const calls = stripe.fake.checkoutSessions.length;
    const fraction = await postForm("/support", { amount: "custom", custom: "12.50" }, randomIp());
    expect(fraction.status).toBe(400);
    expect(await fraction.text()).toContain("such as 1250");
    const tooSmall = await postJson("/api/contributions/checkout", { amount: 99 }, randomIp());
    expect(tooSmall.status).toBe(400);
    expect((await body(tooSmall)).error.message).toBe("Choose an amount between JP¥100 and JP¥1,000,000.");
    expect(stripe.fake.checkoutSessions.length).toBe(calls);
  });

  it("a gift of three months costs three months in yen; a yearly tier's month is rounded up to the yen", async () => {
    expect((await postJson("/api/gifts/checkout", { tier: "coffee-jp", months: 3, recipientEmail: uniqueEmail("jp") }, randomIp())).status).toBe(200);
    expect(lines()).toEqual([["jpy", 1500]]);
    expect((await postJson("/api/gifts/checkout", { tier: "yearly-jp", months: 12, recipientEmail: uniqueEmail("jp") }, randomIp())).status).toBe(200);
    expect(lines()).toEqual([["jpy", 5000]]);
  });

  it("the thank-you and the account page say what was paid, in yen", async () => {
    const reader = await signedIn({ email: uniqueEmail("yen") });
    const paid = charge({ customer: null, amount: 1250, currency: "jpy" });
    const pi = paymentIntent({ id: paid.payment_intent as string, customer: null, amount: 1250, currency: "jpy", latestCharge: paid.id });
    stripe.fake.charges.set(paid.id, paid);
    stripe.fake.paymentIntents.set(pi.id, pi);
    const session = checkoutSession({ customer: null, subscription: null, mode: "payment", email: reader.email, metadata: { kind: "contribution" } });
    Object.assign(session, { amount_total: 1250, amount_subtotal: 1250, currency: "jpy", payment_intent: pi.id, payment_status: "paid" } satisfies Partial<Stripe.Checkout.Session>);
    expect((await deliver(event("checkout.session.completed", session))).status).toBe(200);

    const thanks = (await mailTo(reader.email)).filter((m) => /Thank you for supporting/.test(m.subject));
    expect(thanks).toHaveLength(1);
    expect(thanks[0]!.body.text).toContain("JP¥1,250");
    expect(thanks[0]!.body.text).not.toContain("JP¥12.50");
    const account = await (await reader.call("GET", "/account")).text();
    expect(account).toContain("JP¥1,250 on");
  });
});
