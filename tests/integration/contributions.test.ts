/**
 * Contributions against the local stack and the fake Stripe: the checkout as Stripe is asked for it (payment mode,
 * the amount and the covered fee as lines, the metadata), bad input refused before Stripe is called or anything is
 * written; the completed session recorded once and thanked once however its events arrive (twice, with
 * async_payment_succeeded, concurrently); a subscription-mode session still a membership's; refunds and disputes
 * marking it from Stripe's charge in any order; this month's totals exact under concurrent completions.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type Stripe from "stripe";
import * as Config from "../../core/config";
import * as Contributions from "../../core/contributions";
import * as Db from "../../core/db";
import { log } from "../../core/log";
import * as Privacy from "../../core/privacy";
import { editor } from "../helpers/editor";
import { createTopic, saveSubscriber, signedIn } from "../helpers/factories";
import { postForm, postJson, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { body, deliver, stripeMember, useFakeStripe, withoutStripeSettings } from "../helpers/stripe";
import { charge, checkoutSession, dispute, event, paymentIntent } from "../helpers/stripe-objects";
import { changes, snapshot } from "../adversarial/surface";
import { awayFromWindowEdge } from "../helpers/rate-window";

useLocalStack();
const stripe = useFakeStripe();

const THANKS = "Thank you for supporting Tidings";
const sessionsCreated = () => stripe.fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");

/** A paid contribution's session as Checkout completes it, and its payment intent and charge at Stripe. */
function paidSession(fields: { amount?: number; email?: string; metadata?: Record<string, string>; paid?: boolean } = {}) {
  const amount = fields.amount ?? 1000;
  const paid = charge({ customer: null, amount, currency: "eur" });
  const pi = paymentIntent({ id: paid.payment_intent as string, customer: null, amount, currency: "eur", latestCharge: paid.id });
  stripe.fake.charges.set(paid.id, paid);
  stripe.fake.paymentIntents.set(pi.id, pi);
  const session = checkoutSession({ customer: null, subscription: null, mode: "payment", email: fields.email ?? uniqueEmail("giver"), metadata: { kind: "contribution", ...fields.metadata } });
  Object.assign(session, { amount_total: amount, amount_subtotal: amount, currency: "eur", payment_intent: pi.id, payment_status: fields.paid === false ? "unpaid" : "paid" });
  return { session, charge: paid, paymentIntent: pi, email: session.customer_details!.email! };
}

async function processed(evt: Stripe.Event) {
  const response = await deliver(evt);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await body(response)).outcome as string;
}

const thanks = async (email: string) => (await mailTo(email)).filter((m) => m.subject === THANKS);

describe("checkout", () => {
  it("asks Stripe for a payment-mode donation with the amount, the fee as its own line and the metadata", async () => {
    const topic = await createTopic({ title: "Kherson's water" });
    const email = uniqueEmail("checkout");
    const response = await postJson("/api/contributions/checkout", { amount: 1000, currency: "EUR", topic: topic.id, email, coverFee: true }, randomIp());
    expect(response.status).toBe(200);
    const { url } = await body(response);
    const created = stripe.fake.checkoutSessions.at(-1)!;
    expect(url).toBe(created.session.url);
    const params = created.params;
    expect(params).toMatchObject({
      mode: "payment",
      submit_type: "donate",
      customer_email: email,
      metadata: { kind: "contribution", topicId: topic.id, feeCovered: "41" },
      payment_intent_data: { metadata: { kind: "contribution", topicId: topic.id, feeCovered: "41" } },
      success_url: "http://localhost:3000/support/thanks".replace("http://localhost:3000", Config.get().PUBLIC_URL),
      cancel_url: `${Config.get().PUBLIC_URL}/support`,
    });
    // 1.5% + 25: (1000 + 25) / 0.985 = 1040.6… → 1041, so the fee line is 41 and Stripe's fee (15.6 + 25) leaves 1000.
    const lines = Object.values(params.line_items as Record<string, any>);
    expect(lines.map((l) => [l.price_data.currency, Number(l.price_data.unit_amount), l.price_data.product_data.name])).toEqual([
      ["eur", 1000, `Contribution to Tidings: Kherson's water`],
      ["eur", 41, "Covering the card fee"],
    ]);
  });

  it("without the fee: one line; a signed-in reader's is theirs; the form route answers 303 to Checkout", async () => {
    const reader = await signedIn({ email: uniqueEmail("signed") });
    const response = await reader.post("/api/contributions/checkout", { amount: 2500 });
    expect(response.status).toBe(200);
    const params = stripe.fake.checkoutSessions.at(-1)!.params;
    expect(Object.values(params.line_items as object)).toHaveLength(1);
    expect(params).toMatchObject({ customer_email: reader.email, metadata: { kind: "contribution", subscriberId: reader.id } });
    expect(params.metadata.feeCovered).toBeUndefined();

    const page = await postForm("/support", { amount: "custom", custom: "12,50", email: uniqueEmail("form") }, randomIp());
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(stripe.fake.checkoutSessions.at(-1)!.session.url);
    expect(Number(Object.values(stripe.fake.checkoutSessions.at(-1)!.params.line_items as Record<string, any>)[0].price_data.unit_amount)).toBe(1250);
  });

  it("refuses an amount out of bounds, another currency, a topic not open and sign-up without an address: 400, no Stripe call, no write", async () => {
    const closed = await createTopic({ status: "closed" });
    const before = await snapshot();
    const calls = sessionsCreated().length;
    const bad = [
      { amount: 99 },
      { amount: 100_001 },
      { amount: 0 },
      { amount: -500 },
      { amount: 10.5 },
      { amount: 1000, currency: "usd" },
      { amount: 1000, topic: closed.id },
      { amount: 1000, topic: "no-such-topic" },
      { amount: 1000, subscribe: true },
    ];
    for (const input of bad) {
      const response = await postJson("/api/contributions/checkout", input, randomIp());
      expect(response.status, JSON.stringify(input)).toBe(400);
      expect((await body(response)).error.message, JSON.stringify(input)).toBeTruthy();
    }
    const form = await postForm("/support", { amount: "custom", custom: "2000" }, randomIp());
    expect(form.status).toBe(400);
    expect(sessionsCreated().length).toBe(calls);
    expect(changes(before, await snapshot())).toEqual([]);
    // The bounds themselves are allowed.
    expect((await postJson("/api/contributions/checkout", { amount: 100 }, randomIp())).status).toBe(200);
    expect((await postJson("/api/contributions/checkout", { amount: 100_000 }, randomIp())).status).toBe(200);
  });

  it("signs the contributor up through double opt-in when asked", async () => {
    const email = uniqueEmail("subscribe");
    expect((await postJson("/api/contributions/checkout", { amount: 500, email, subscribe: true }, randomIp())).status).toBe(200);
    expect(await Db.Subscribers.getByEmail(email)).toMatchObject({ status: "pending" });
    expect((await mailTo(email)).length).toBe(1); // the confirmation
  });

  it("shares the membership checkouts' per-network limit", async () => {
    await awayFromWindowEdge(60 * 60);
    const ip = randomIp();
    for (let i = 0; i < 20; i++) expect((await postJson("/api/contributions/checkout", { amount: 500 }, ip)).status).toBe(200);
    const calls = sessionsCreated().length;
    const refused = await postJson("/api/contributions/checkout", { amount: 500 }, ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeTruthy();
    expect(sessionsCreated().length).toBe(calls);
  });

  it("shows the support page: presets, another amount, the options, the open topic preselected", async () => {
    const topic = await createTopic({ title: "Rebuilding Irpin" });
    const page = await request(`/support?topic=${topic.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const amount of ["€5", "€10", "€25"]) expect(html).toContain(amount);
    expect(html).toContain('name="custom"');
    expect(html).toContain('name="coverFee"');
    expect(html).toContain('name="subscribe"');
    expect(html).toMatch(new RegExp(`<option value="${topic.id}" selected`));
    expect(html).not.toContain("<script");
  });
});

describe("recording", () => {
  it("records a completed session once and thanks once, whether delivered twice or also as async_payment_succeeded", async () => {
    const topic = await createTopic({ title: "Demining the fields" });
    const s = paidSession({ amount: 1041, metadata: { topicId: topic.id, feeCovered: "41" } });
    const completed = event("checkout.session.completed", s.session);
    expect(await processed(completed)).toBe("processed");
    expect(await processed(completed)).toBe("duplicate");
    expect(await processed(event("checkout.session.async_payment_succeeded", s.session))).toBe("processed");
    expect(await processed(event("checkout.session.completed", s.session))).toBe("processed"); // another event id

    expect(await Db.Contributions.get(s.session.id)).toMatchObject({
      id: s.session.id,
      amount: 1041,
      currency: "eur",
      feeCovered: 41,
      topicId: topic.id,
      email: s.email,
      paymentIntentId: s.paymentIntent.id,
      amountRefunded: 0,
      version: 1,
    });
    const mail = await thanks(s.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body.text).toContain("€10.41");
    expect(mail[0]!.body.text).toContain("Demining the fields");
    expect(mail[0]!.body.text).not.toMatch(/token=/);
  });

  it("records once under concurrent deliveries", async () => {
    const s = paidSession();
    const events = [
      ...Array.from({ length: 4 }, () => event("checkout.session.completed", s.session)),
      ...Array.from({ length: 2 }, () => event("checkout.session.async_payment_succeeded", s.session)),
    ];
    const answers = await Promise.all(events.map((e) => deliver(e)));
    // A delivery meeting the thank-you claim of another still sending answers 200 too; none fails.
    expect(answers.map((a) => a.status)).toEqual(events.map(() => 200));
    expect(await Db.Contributions.get(s.session.id)).toMatchObject({ amount: 1000, version: 1 });
    expect(await thanks(s.email)).toHaveLength(1);
  });

  it("waits for an unpaid session's payment; ties a subscriber's contribution to them", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("known") });
    const s = paidSession({ email: subscriber.email, paid: false });
    expect(await processed(event("checkout.session.completed", s.session))).toBe("processed");
    expect(await Db.Contributions.get(s.session.id)).toBeUndefined();
    expect(await thanks(s.email)).toHaveLength(0);
    await processed(event("checkout.session.async_payment_succeeded", { ...s.session, payment_status: "paid" }));
    expect(await Db.Contributions.get(s.session.id)).toMatchObject({ subscriberId: subscriber.id });
    expect(await Contributions.bySubscriber(subscriber.id)).toHaveLength(1);
  });

  it("a subscription-mode session still goes to memberships; another payment-mode session is ignored", async () => {
    const email = uniqueEmail("member");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    const membership = checkoutSession({ customer: cus.id, subscription: sub.id, mode: "subscription", email, metadata: { kind: "contribution" } });
    expect(await processed(event("checkout.session.completed", membership))).toBe("processed");
    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "active" });
    expect(await Db.Contributions.get(membership.id)).toBeUndefined();

    const other = checkoutSession({ customer: null, subscription: null, mode: "payment", email: uniqueEmail("shop") });
    expect(await processed(event("checkout.session.completed", other))).toBe("processed");
    expect(await Db.Contributions.get(other.id)).toBeUndefined();
  });
});

describe("refunds and disputes", () => {
  const setCharge = (c: Stripe.Charge) => stripe.fake.charges.set(c.id, structuredClone(c));
  const setDispute = (d: Stripe.Dispute) => stripe.fake.disputes.set(d.id, structuredClone(d));

  it("marks the contribution from Stripe's charge, whatever order and repetition the events come in", async () => {
    const s = paidSession({ amount: 2000 });
    await processed(event("checkout.session.completed", s.session));
    const opened = dispute({ charge: s.charge, status: "needs_response" });
    setCharge({ ...s.charge, amount_refunded: 500 });
    setDispute({ ...opened, status: "lost" });
    // The last news first, then the older events, each twice: every one reads Stripe as it is now.
    for (const evt of [
      event("charge.dispute.closed", { ...opened, status: "lost" }),
      event("charge.refunded", s.charge),
      event("charge.dispute.created", opened),
    ]) {
      await processed(evt);
      await processed(evt);
    }
    const marked = await Db.Contributions.get(s.session.id);
    expect(marked).toMatchObject({ amountRefunded: 500, dispute: { id: opened.id, status: "lost", amount: 2000 } });
    expect(marked!.version).toBe(2);
    expect((await Contributions.contributionStats()).thisMonth.eur!.refunded).toBeGreaterThanOrEqual(500);
  });

  it("a refund whose events come before the checkout's is found when the contribution is recorded", async () => {
    const s = paidSession({ amount: 700 });
    setCharge({ ...s.charge, amount_refunded: 700, refunded: true });
    await processed(event("charge.refunded", s.charge));
    await processed(event("checkout.session.completed", s.session));
    expect(await Db.Contributions.get(s.session.id)).toMatchObject({ amount: 700, amountRefunded: 700 });
  });

  it("...and by the checkout's redelivery when looking at the charge failed after the recording", async () => {
    const s = paidSession({ amount: 800 });
    setCharge({ ...s.charge, amount_refunded: 800, refunded: true });
    await processed(event("charge.refunded", s.charge));
    const completed = event("checkout.session.completed", s.session);
    stripe.fake.failNext({ method: "GET", path: /^\/v1\/payment_intents\// }); // recorded; then Stripe fails
    expect((await deliver(completed)).status).toBe(500);
    expect(await Db.Contributions.get(s.session.id)).toMatchObject({ amountRefunded: 0 });
    expect(await processed(completed)).toBe("processed"); // Stripe's redelivery
    expect(await Db.Contributions.get(s.session.id)).toMatchObject({ amount: 800, amountRefunded: 800 });
  });
});

describe("stats", () => {
  it("counts this month's contributions exactly under concurrent completions, apart from memberships", async () => {
    const before = (await Contributions.contributionStats()).thisMonth.eur ?? { amount: 0, count: 0, refunded: 0 };
    const sessions = Array.from({ length: 12 }, (_, i) => paidSession({ amount: 100 + i }));
    await Promise.all(sessions.map((s) => deliver(event("checkout.session.completed", s.session))));
    await Promise.all(sessions.slice(0, 4).map((s) => deliver(event("checkout.session.completed", s.session)))); // again
    const response = await editor("GET", "/api/stats");
    expect(response.status).toBe(200);
    const stats = await body(response);
    const sum = sessions.reduce((total, s) => total + (s.session.amount_total ?? 0), 0);
    expect(stats.contributions.thisMonth.eur).toEqual({ amount: before.amount + sum, count: before.count + 12, refunded: before.refunded });
    expect(stats.monthlyRecurringRevenue).toBeDefined();
  });
});

describe("the reader's data", () => {
  it("lists a subscriber's contributions in their export and on their account page; erasure leaves anonymous amounts", async () => {
    // One given with their address before they subscribed: theirs too.
    const address = uniqueEmail("data");
    const earlier = paidSession({ amount: 300, email: address });
    await processed(event("checkout.session.completed", earlier.session));
    expect((await Db.Contributions.get(earlier.session.id))!.subscriberId).toBeUndefined();
    const reader = await signedIn({ email: address });
    const topic = await createTopic({ title: "Power in Kharkiv" });
    const first = paidSession({ amount: 1500, email: reader.email, metadata: { subscriberId: reader.id, topicId: topic.id } });
    const second = paidSession({ amount: 500, email: reader.email });
    await processed(event("checkout.session.completed", first.session));
    await processed(event("checkout.session.completed", second.session));
    const stranger = paidSession({ amount: 900 });
    await processed(event("checkout.session.completed", stranger.session));

    const data = await Privacy.exportData(reader.id);
    expect(data.contributions.map((c) => c.id).sort()).toEqual([earlier.session.id, first.session.id, second.session.id].sort());
    expect(data.contributions.find((c) => c.id === first.session.id)).toMatchObject({ amount: 1500, currency: "eur", topicId: topic.id, email: reader.email });

    const page = await (await reader.call("GET", "/account")).text();
    expect(page).toContain("Your contributions");
    expect(page).toContain("€15");
    expect(page).toContain("Power in Kharkiv");
    expect(page).toContain("€3 on");
    expect(page).not.toContain("€9");

    const totals = (await Contributions.contributionStats()).thisMonth.eur!;
    await Privacy.erase(reader.id);
    for (const s of [earlier, first, second]) {
      const kept = (await Db.Contributions.get(s.session.id))!;
      expect(kept).toMatchObject({ amount: s.session.amount_total, anonymous: true });
      expect(kept.email).toBeUndefined();
      expect(kept.subscriberId).toBeUndefined();
      expect(JSON.stringify(kept)).not.toContain(reader.email);
    }
    expect(await Db.Contributions.get(stranger.session.id)).toMatchObject({ email: stranger.email });
    expect((await Contributions.contributionStats()).thisMonth.eur).toEqual(totals);
    expect(await Contributions.bySubscriber(reader.id, address)).toEqual([]);
  });
});

describe("logs", () => {
  it("carry no contributor's address through checkout, sign-up, recording, thanks, marks and erasure", async () => {
    const lines: string[] = [];
    const stream = (log as unknown as Record<symbol, { write(chunk: string): boolean }>)[pino.symbols.streamSym]!;
    const [write, level] = [stream.write, log.level];
    stream.write = (chunk: string) => (lines.push(String(chunk)), true);
    log.level = "debug";
    try {
      const email = uniqueEmail("logged");
      expect((await postJson("/api/contributions/checkout", { amount: 1000, email, subscribe: true, coverFee: true }, randomIp())).status).toBe(200);
      const s = paidSession({ email });
      await processed(event("checkout.session.completed", s.session));
      stripe.fake.charges.set(s.charge.id, { ...s.charge, amount_refunded: 100 });
      await processed(event("charge.refunded", s.charge));
      expect(await thanks(email)).toHaveLength(1);
      await Privacy.erase((await Db.Subscribers.getByEmail(email))!.id);
      expect(lines.some((line) => line.includes("contribution.recorded"))).toBe(true);
      const [local, domain] = email.split("@") as [string, string];
      expect(lines.filter((line) => line.includes(email) || line.includes(local))).toEqual([]);
      expect(domain).toBeTruthy();
    } finally {
      stream.write = write;
      log.level = level;
    }
  });
});

describe("without Stripe keys", () => {
  withoutStripeSettings(["STRIPE_SECRET_KEY", "STRIPE_API_BASE"]);

  it("the contribution routes answer 503 saying why, before looking at the input", async () => {
    for (const response of [
      await postJson("/api/contributions/checkout", { amount: 1000 }, randomIp()),
      await postJson("/api/contributions/checkout", { amount: 1 }, randomIp()),
    ]) {
      expect(response.status).toBe(503);
      expect((await body(response)).error.code).toBe("stripe_not_configured");
    }
    expect((await request("/support")).status).toBe(503);
    expect((await postForm("/support", { amount: "500" }, randomIp())).status).toBe(503);
    expect((await request("/support/thanks")).status).toBe(200);
  });
});
