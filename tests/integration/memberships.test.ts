/**
 * Joining, managing and granting memberships against the local stack and the fake Stripe: the tiers, Checkout
 * (reusing a patron's customer), the Billing Portal, 503 without Stripe keys, comps and their expiry, the grace
 * period, each patron email (once per change), and digests that know who is a patron.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Digests from "../../core/digests";
import * as Patrons from "../../core/patrons";
import type { Patron } from "../../core/patrons";
import { handler as expireComps } from "../../functions/cron/expire-comps";
import { editor } from "../helpers/editor";
import { savePatron, saveSubscriber, signedIn as startSession } from "../helpers/factories";
import { postForm, postJson, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { body, deliver, stripeMember, useFakeStripe, withoutStripeSettings } from "../helpers/stripe";
import { customer, event, invoice } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

const ORIGIN = "http://127.0.0.1:3000";
const DAY = 24 * 60 * 60 * 1000;

/** A signed-in POST: the session cookie and our own Origin. */
const signedIn = async (subscriberId: string) => (await startSession(subscriberId)).post;

const subjects = async (email: string) => (await mailTo(email)).map((m) => m.subject);

describe("tiers", () => {
  it("lists the configured tiers without their Stripe prices", async () => {
    const response = await request("/api/tiers");
    expect(response.status).toBe(200);
    const { tiers } = await body(response);
    expect(tiers.map((t: { id: string }) => t.id)).toEqual(["coffee", "co-creator", "yearly"]);
    expect(tiers[0]).toEqual({
      id: "coffee",
      name: "Coffee",
      amount: 500,
      currency: "eur",
      interval: "month",
      voteWeight: 1,
      prices: [{ amount: 500, currency: "eur", interval: "month" }], // the current ones: not its retired price
    });
    expect(JSON.stringify(tiers)).not.toContain("price_");
  });
});

describe("checkout", () => {
  it("is limited per network: past the limit a 429 with Retry-After, and no Stripe session; another network goes on", async () => {
    const ip = randomIp();
    for (let i = 0; i < Patrons.CHECKOUTS.perIp; i++) {
      const path = i % 2 ? "/api/membership/checkout" : "/join";
      const fields = { tier: "coffee", email: uniqueEmail("limit") };
      const response = i % 2 ? await postJson(path, fields, ip) : await postForm(path, fields, ip);
      expect(response.status, `checkout ${i + 1}`).toBe(i % 2 ? 200 : 303);
    }
    const sessions = stripe.fake.checkoutSessions.length;
    const refused = await postJson("/api/membership/checkout", { tier: "coffee", email: uniqueEmail("limit") }, ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await body(refused)).error.code).toBe("rate_limited");
    expect((await postForm("/join", { tier: "coffee", email: uniqueEmail("limit") }, ip)).status).toBe(429);
    expect(stripe.fake.checkoutSessions.length).toBe(sessions);
    expect((await postJson("/api/membership/checkout", { tier: "coffee", email: uniqueEmail("limit") }, randomIp())).status).toBe(200);
  });

  it("without a session: a Checkout session in subscription mode for the tier's price, for the address given", async () => {
    const email = uniqueEmail("anon");
    const response = await postJson("/api/membership/checkout", { tier: "co-creator", email });
    expect(response.status).toBe(200);
    const { url } = await body(response);
    const created = stripe.fake.checkoutSessions.at(-1)!;
    expect(url).toBe(created.session.url);
    expect(created.params).toMatchObject({
      mode: "subscription",
      line_items: [{ price: "price_cocreator", quantity: "1" }],
      customer_email: email,
      metadata: { tierId: "co-creator" },
      subscription_data: { metadata: { tierId: "co-creator" } },
      success_url: `${ORIGIN}/account?membership=welcome`,
    });
    expect(created.params.client_reference_id).toBeUndefined();
    expect(created.params.customer).toBeUndefined();
  });

  it("without a session, names a known subscriber for the webhook but never reuses (or reveals) their customer", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("known") });
    await savePatron({ subscriberId: subscriber.id, status: "lapsed", stripeCustomerId: "cus_private" });
    const response = await postJson("/api/membership/checkout", { tier: "coffee", email: subscriber.email.toUpperCase() });
    expect(response.status).toBe(200);
    expect(stripe.fake.checkoutSessions.at(-1)!.params).toMatchObject({
      client_reference_id: subscriber.id,
      customer_email: subscriber.email,
      metadata: { subscriberId: subscriber.id, tierId: "coffee" },
      subscription_data: { metadata: { subscriberId: subscriber.id } },
    });
    expect(stripe.fake.checkoutSessions.at(-1)!.params.customer).toBeUndefined();
  });

  it("signed in: a lapsed patron's Stripe customer is reused, and no customer is created", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("rejoin") });
    const cus = customer({ email: subscriber.email });
    stripe.fake.customers.set(cus.id, cus);
    await savePatron({ subscriberId: subscriber.id, status: "lapsed", stripeCustomerId: cus.id, stripeSubscriptionId: "sub_old", subscriptionStatus: "canceled" });
    const before = stripe.fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/customers").length;
    const post = await signedIn(subscriber.id);
    const response = await post("/api/membership/checkout", { tier: "yearly" });
    expect(response.status).toBe(200);
    const { params } = stripe.fake.checkoutSessions.at(-1)!;
    expect(params).toMatchObject({ customer: cus.id, client_reference_id: subscriber.id, line_items: [{ price: "price_yearly" }] });
    expect(params.customer_email).toBeUndefined();
    expect(stripe.fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/customers").length).toBe(before);
  });

  it("signed in: a subscriber who is not a patron checks out with their own address", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("first") });
    const post = await signedIn(subscriber.id);
    const response = await post("/api/membership/checkout", { tier: "coffee", email: "someone-else@example.com" });
    expect(response.status).toBe(200);
    expect(stripe.fake.checkoutSessions.at(-1)!.params).toMatchObject({ customer_email: subscriber.email, client_reference_id: subscriber.id });
  });

  it("signed in: a running membership gets 409 (change tier in the portal instead)", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("twice") });
    await savePatron({ subscriberId: subscriber.id, status: "active", stripeCustomerId: "cus_x", stripeSubscriptionId: "sub_x" });
    const response = await (await signedIn(subscriber.id))("/api/membership/checkout", { tier: "coffee" });
    expect(response.status).toBe(409);
    expect((await body(response)).error.code).toBe("already_patron");
  });

  it("refuses an unknown tier, a missing email without a session, and a cross-site request with a cookie", async () => {
    const unknown = await postJson("/api/membership/checkout", { tier: "platinum", email: uniqueEmail() });
    expect(unknown.status).toBe(400);
    expect((await body(unknown)).error.fields.tier).toContain("coffee");
    expect((await postJson("/api/membership/checkout", { tier: "coffee" })).status).toBe(400);
    const { call } = await startSession({ email: uniqueEmail("csrf") });
    const crossSite = await call("POST", "/api/membership/checkout", { tier: "coffee" }, "https://evil.example");
    expect(crossSite.status).toBe(403);
  });

  it("the join page posts a form and is sent on to Stripe Checkout", async () => {
    const page = await request("/join?tier=yearly");
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/value="yearly\/year\/eur" checked/);
    const email = uniqueEmail("form");
    const response = await request("/join", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ tier: "yearly", email }),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(stripe.fake.checkoutSessions.at(-1)!.session.url);
  });
});

describe("billing portal", () => {
  it("opens Stripe's Billing Portal for a patron's customer, returning to /account", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("portal") });
    const cus = customer({ email: subscriber.email });
    stripe.fake.customers.set(cus.id, cus);
    await savePatron({ subscriberId: subscriber.id, stripeCustomerId: cus.id });
    const post = await signedIn(subscriber.id);
    const response = await post("/api/membership/portal");
    expect(response.status).toBe(200);
    const created = stripe.fake.portalSessions.at(-1)!;
    expect(await body(response)).toEqual({ url: created.session.url });
    expect(created.params).toEqual({ customer: cus.id, return_url: `${ORIGIN}/account` });
    // The account page's button does the same, for browsers.
    const page = await post("/account/billing");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(stripe.fake.portalSessions.at(-1)!.session.url);
  });

  it("answers 404 to a non-patron (and to a comped patron, who pays nothing), 401 without a session", async () => {
    const plain = await saveSubscriber({ email: uniqueEmail("plain") });
    expect((await (await signedIn(plain.id))("/api/membership/portal")).status).toBe(404);
    const comped = await saveSubscriber({ email: uniqueEmail("comped") });
    await savePatron({ subscriberId: comped.id, status: "comped", compTierId: "coffee", compedUntil: new Date(Date.now() + DAY).toISOString() });
    expect((await (await signedIn(comped.id))("/api/membership/portal")).status).toBe(404);
    expect((await request("/api/membership/portal", { method: "POST" })).status).toBe(401);
  });
});

describe("account page", () => {
  const page = async (subscriberId: string) => {
    const { header } = await startSession(subscriberId);
    const response = await request("/account", { headers: { cookie: header } });
    expect(response.status).toBe(200);
    return response.text();
  };

  it("shows a patron their membership and the Manage billing button; others the way to join", async () => {
    const failing = await saveSubscriber({ email: uniqueEmail("acct") });
    await savePatron({ subscriberId: failing.id, status: "grace", tierId: "yearly", stripeCustomerId: "cus_a", graceUntil: "2030-03-04T00:00:00.000Z" });
    const html = await page(failing.id);
    expect(html).toContain("You&#39;re a <strong>Yearly</strong> patron (€50 a year)");
    expect(html).toContain("until 4 March 2030");
    expect(html).toMatch(/<form method="post" action="\/account\/billing">/);

    const reader = await saveSubscriber({ email: uniqueEmail("acct2") });
    const plain = await page(reader.id);
    expect(plain).toContain('<a href="/join">Become a patron</a>');
    expect(plain).not.toContain("/account/billing");
  });
});

describe("without Stripe keys", () => {
  withoutStripeSettings(["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]);

  it("membership routes answer 503 saying why; everything else works", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("nokeys") });
    const post = await signedIn(subscriber.id);
    for (const response of [
      await postJson("/api/membership/checkout", { tier: "coffee", email: uniqueEmail() }),
      await post("/api/membership/checkout", { tier: "coffee" }),
      await post("/api/membership/portal"),
      await request("/api/membership/portal", { method: "POST" }),
      await deliver(event("invoice.paid", invoice({ customer: "cus_1", subscription: "sub_1" }))),
    ]) {
      expect(response.status).toBe(503);
      const { error } = await body(response);
      expect(error.code).toBe("stripe_not_configured");
      expect(error.message).toMatch(/STRIPE_SECRET_KEY/);
    }
    expect((await request("/join")).status).toBe(503);
    expect((await request("/api/tiers")).status).toBe(200);
    expect((await request("/healthz")).status).toBe(200);
  });
});

describe("comps", () => {
  it("an editor grants a tier until a date: a comped patron, welcomed once", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("gift"), name: "Grace" });
    const response = await editor("POST", "/api/patrons/comp", { email: subscriber.email, tier: "co-creator", until: "2030-01-31" });
    expect(response.status).toBe(200);
    const { patron } = await body(response);
    expect(patron).toMatchObject({ subscriberId: subscriber.id, status: "comped", tierId: "co-creator", compedUntil: "2030-01-31T23:59:59.999Z" });
    const again = await editor("POST", "/api/patrons/comp", { email: subscriber.email, tier: "co-creator", until: "2030-01-31" });
    expect(again.status).toBe(200);
    const mail = await mailTo(subscriber.email);
    expect(mail.map((m) => m.subject)).toEqual(["Welcome, patron of Tidings"]);
    expect(mail[0]!.body.text).toContain("You have been given a Co-creator membership of Tidings, until 31 January 2030.");
  });

  it("refuses unknown addresses, unknown tiers, past dates, and anyone without an editor token", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("gift2") });
    expect((await editor("POST", "/api/patrons/comp", { email: uniqueEmail(), tier: "coffee", until: "2030-01-01" })).status).toBe(404);
    expect((await editor("POST", "/api/patrons/comp", { email: subscriber.email, tier: "gold", until: "2030-01-01" })).status).toBe(400);
    expect((await editor("POST", "/api/patrons/comp", { email: subscriber.email, tier: "coffee", until: "2020-01-01" })).status).toBe(400);
    expect((await editor("POST", "/api/patrons/comp", { email: subscriber.email, tier: "coffee", until: "soon" })).status).toBe(400);
    expect((await postJson("/api/patrons/comp", { email: subscriber.email, tier: "coffee", until: "2030-01-01" })).status).toBe(401);
    expect(await Db.Patrons.get(subscriber.id)).toBeUndefined();
  });

  it("expire: a comp past its end lapses (one lapsed email); one still running is left alone", async () => {
    const gifted = await saveSubscriber({ email: uniqueEmail("expiring") });
    const until = new Date(Date.now() + 60_000).toISOString();
    await Patrons.comp({ email: gifted.email, tierId: "coffee", until, by: "test" });
    expect(await Db.Patrons.get(gifted.id)).toMatchObject({ status: "comped" });

    const later = new Date(Date.now() + 2 * 60_000);
    const report = await Patrons.expire(later);
    expect(report.changed).toContainEqual({ subscriberId: gifted.id, from: "comped", to: "lapsed" });
    expect(await Db.Patrons.get(gifted.id)).toMatchObject({ status: "lapsed", tierId: "coffee" });
    await Patrons.expire(later);
    expect(await subjects(gifted.email)).toEqual(["Welcome, patron of Tidings", "Your Tidings membership has ended"]);
    // Before its end the cron changes nothing.
    const running = await saveSubscriber({ email: uniqueEmail("running") });
    await Patrons.comp({ email: running.email, tierId: "coffee", until: "2031-01-01T00:00:00.000Z", by: "test" });
    expect((await expireComps({})).changed.map((c) => c.subscriberId)).not.toContain(running.id);
  });

  it("a comp outlives a cancelled subscription; paying and active wins over a comp", async () => {
    const email = uniqueEmail("both");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_yearly" } });
    await deliver(event("customer.subscription.created", sub));
    await Patrons.comp({ email, tierId: "coffee", until: new Date(Date.now() + 30 * DAY).toISOString(), by: "test" });
    const subscriber = await Db.Subscribers.getByEmail(email);
    expect(await Db.Patrons.get(subscriber!.id)).toMatchObject({ status: "active", tierId: "yearly" });
    stripe.fake.put({ ...sub, status: "canceled" });
    await deliver(event("customer.subscription.deleted", { ...sub, status: "canceled" }));
    expect(await Db.Patrons.get(subscriber!.id)).toMatchObject({ status: "comped", tierId: "coffee", stripeCustomerId: cus.id });
    expect(await subjects(email)).toEqual(["Welcome, patron of Tidings"]);
  });
});

describe("grace period and patron emails", () => {
  it("a failed renewal keeps benefits for GRACE_DAYS after it (one email with the date and the account link), then lapses", async () => {
    const email = uniqueEmail("grace");
    const renewal = new Date(Date.now() - 2 * DAY);
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, {
      email,
      subscription: { status: "active", priceId: "price_coffee", periodStart: renewal },
    });
    await deliver(event("customer.subscription.created", sub));
    stripe.fake.put({ ...sub, status: "past_due" });
    const failed = invoice({ customer: cus.id, subscription: sub.id, status: "open" });
    await deliver(event("invoice.payment_failed", failed));
    await deliver(event("customer.subscription.updated", { ...sub, status: "past_due" }));
    await deliver(event("invoice.payment_failed", failed)); // a second attempt's event: same state, no email

    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    const graceUntil = new Date(Math.floor(renewal.getTime() / 1000) * 1000 + 7 * DAY).toISOString();
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "grace", graceUntil, subscriptionStatus: "past_due" });
    expect((await Digests.readerFor(subscriber)).variant).toBe("patron");
    const mail = await mailTo(email);
    expect(mail.map((m) => m.subject)).toEqual(["Welcome, patron of Tidings", "Your Tidings payment didn't go through"]);
    const dateWords = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" }).format(new Date(graceUntil));
    expect(mail[1]!.body.text).toContain(`until ${dateWords}`);
    expect(mail[1]!.body.text).toContain(`${ORIGIN}/account`);

    // Past the grace period: the reader reads the free digest at once; the expiry job lapses the patron, once.
    const after = new Date(Date.parse(graceUntil) + 60_000);
    expect((await Digests.readerFor(subscriber, after)).variant).toBe("free");
    await Patrons.expire(after);
    await Patrons.expire(after);
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "lapsed" });
    expect((await subjects(email)).at(-1)).toBe("Your Tidings membership has ended");
    expect((await subjects(email)).filter((s) => s.includes("ended"))).toHaveLength(1);
  });

  it("a renewal that failed longer ago than the grace period is lapsed at once; paying again welcomes back", async () => {
    const email = uniqueEmail("late");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, {
      email,
      subscription: { status: "active", priceId: "price_coffee", periodStart: new Date(Date.now() - 10 * DAY) },
    });
    await deliver(event("customer.subscription.created", sub));
    stripe.fake.put({ ...sub, status: "past_due" });
    await deliver(event("invoice.payment_failed", invoice({ customer: cus.id, subscription: sub.id, status: "open" })));
    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "lapsed" });
    stripe.fake.put({ ...sub, status: "active" });
    await deliver(event("invoice.paid", invoice({ customer: cus.id, subscription: sub.id })));
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "active" });
    expect(await subjects(email)).toEqual([
      "Welcome, patron of Tidings",
      "Your Tidings membership has ended",
      "Welcome, patron of Tidings",
    ]);
  });

  it("recovering from grace sends nothing; cancelling sends the lapsed email once however often Stripe says so", async () => {
    const email = uniqueEmail("lapse");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_cocreator" } });
    await deliver(event("customer.subscription.created", sub));
    stripe.fake.put({ ...sub, status: "past_due" });
    await deliver(event("invoice.payment_failed", invoice({ customer: cus.id, subscription: sub.id, status: "open" })));
    stripe.fake.put({ ...sub, status: "active" });
    await deliver(event("invoice.paid", invoice({ customer: cus.id, subscription: sub.id })));
    stripe.fake.put({ ...sub, status: "canceled" });
    const deleted = event("customer.subscription.deleted", { ...sub, status: "canceled" });
    await Promise.all([deliver(deleted), deliver(deleted), deliver(event("customer.subscription.updated", { ...sub, status: "canceled" }))]);
    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "lapsed", tierId: "co-creator" });
    expect((await Digests.readerFor(subscriber)).variant).toBe("free");
    const mail = await mailTo(email);
    expect(mail.map((m) => m.subject)).toEqual([
      "Welcome, patron of Tidings",
      "Your Tidings payment didn't go through",
      "Your Tidings membership has ended",
    ]);
    expect(mail[0]!.body.text).toContain("You are now a Co-creator patron of Tidings (€15 a month)");
  });
});

describe("patron-aware digests", () => {
  it("active, comped and grace patrons read the patron variant; lapsed patrons and everyone else the invitation", async () => {
    const now = new Date();
    const later = new Date(now.getTime() + DAY).toISOString();
    const cases: Array<[Partial<Patron> | undefined, "patron" | "free"]> = [
      [{ status: "active" }, "patron"],
      [{ status: "comped", compTierId: "coffee", compedUntil: later }, "patron"],
      [{ status: "grace", graceUntil: later }, "patron"],
      [{ status: "grace", graceUntil: new Date(now.getTime() - 1000).toISOString() }, "free"],
      [{ status: "comped", compTierId: "coffee", compedUntil: new Date(now.getTime() - 1000).toISOString() }, "free"],
      [{ status: "lapsed" }, "free"],
      [undefined, "free"],
    ];
    for (const [fields, variant] of cases) {
      const subscriber = await saveSubscriber({ email: uniqueEmail("reader") });
      if (fields) await savePatron({ ...fields, subscriberId: subscriber.id });
      expect({ fields, variant: (await Digests.readerFor(subscriber, now)).variant }).toEqual({ fields, variant });
      // Previews as a given subscriber are what they get.
      expect((await Digests.resolveReader({ email: subscriber.email })).variant).toBe(variant);
    }
  });
});
