/**
 * Attribution against the local stack and the Stripe stand-in: a source carried from a page's `src` into its form,
 * or given to the JSON API, is kept with the sign-up's consent and in Checkout's metadata (membership, contribution,
 * gift); the conversions are counted by source per day in the writes that make them, once whatever is retried,
 * duplicated or reordered; `GET /api/stats/sources` sums a period's days; the dashboard's Retention page shows them.
 */
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Privacy from "../../core/privacy";
import * as Subscribers from "../../core/subscribers";
import * as Tokens from "../../core/tokens";
import { completeCheckout } from "../../scripts/stripe-standin/actions";
import { dashboardCookie, dashboardGet } from "../helpers/dashboard";
import { createTopic } from "../helpers/factories";
import { editorAs } from "../helpers/editor";
import { postForm, postJson, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";
import { body, deliver, useFakeStripe } from "../helpers/stripe";
import { event } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

/** A source no other test counts under. */
const articleSource = () => `article:a-${randomUUID().slice(0, 8)}`;
const dayOf = (iso: string) => iso.slice(0, 10);

/** One source's row of `GET /api/stats/sources` for the days asked (zeros when it has none). */
async function conversions(source: string, from: string, to: string) {
  const response = await editorAs("read", "GET", `/api/stats/sources?from=${from}&to=${to}`);
  expect(response.status).toBe(200);
  const { sources } = await body(response);
  return sources.find((row: { source: string }) => row.source === source) ?? { source, signups: 0, confirmations: 0, patrons: 0, contributions: {} };
}

/** Stripe's events for a Checkout session the stand-in completes, as Stripe would send them (each a fresh event). */
function completed(sessionIndex = -1): Array<() => Stripe.Event> {
  const entry = stripe.fake.checkoutSessions.at(sessionIndex)!;
  return completeCheckout(stripe.fake, entry).map(([type, object]) => {
    const snapshot = structuredClone(object);
    return () => event(type, snapshot);
  });
}

async function processed(evt: Stripe.Event) {
  const response = await deliver(evt);
  expect(response.status, await response.clone().text()).toBe(200);
}

describe("sign-ups", () => {
  it("JSON: the source is kept with the opt-in's consent, becomes the subscription's, and counts once each way", async () => {
    const source = articleSource();
    const email = uniqueEmail("json-src");
    expect((await postJson("/api/subscribe", { email, source }, randomIp())).status).toBe(202);
    const pending = (await Db.Subscribers.getByEmail(email))!;
    expect(pending.optIn!.consent).toMatchObject({ source: "api", attribution: source });

    // Signing up again while the first opt-in waits (past the ten minutes between emails) is the same sign-up.
    const later = new Date(Date.parse(pending.optIn!.requestedAt) + 11 * 60_000);
    await Subscribers.signup({ email, source }, { ip: randomIp(), source: "api" }, later);
    expect((await Db.Subscribers.getByEmail(email))!.optIn!.id).not.toBe(pending.optIn!.id); // a second email went

    // Each confirmation link followed twice: one confirmation.
    for (const mail of await mailTo(email)) {
      if (!/confirm/i.test(mail.subject)) continue;
      const token = tokenFrom(mail, "/confirm");
      for (let i = 0; i < 2; i++) expect((await postForm("/confirm", { token })).status).toBeLessThan(500);
    }
    const active = (await Db.Subscribers.getByEmail(email))!;
    expect(active.status).toBe("active");
    expect(active.consent).toMatchObject({ attribution: source, confirmedAt: expect.any(String) });
    const row = await conversions(source, dayOf(pending.optIn!.requestedAt), dayOf(active.consent!.confirmedAt!));
    expect(row).toMatchObject({ signups: 1, confirmations: 1, patrons: 0 });
    // Theirs to see in the export, with the consent it belongs to; gone with them at erasure, the counts staying.
    expect((await Privacy.exportData(active.id)).consent.subscription).toMatchObject({ attribution: source });
    await Privacy.erase(active.id);
    expect(await conversions(source, dayOf(pending.optIn!.requestedAt), dayOf(active.consent!.confirmedAt!))).toMatchObject({ signups: 1, confirmations: 1 });
  });

  it("forms: the home page carries a good src into its form, or its own page; the form's source is kept, a bad one ignored", async () => {
    const page = await (await request("/?src=digest:weekly-2026-W48")).text();
    expect(page).toContain('<input type="hidden" name="source" value="digest:weekly-2026-W48"/>');
    for (const bad of ["digest:%3Cscript%3E", "nowhere:x", "article:" + "x".repeat(200)]) {
      expect(await (await request(`/?src=${bad}`)).text()).toContain('name="source" value="page:/"');
    }

    const given = uniqueEmail("form-src");
    expect((await postForm("/api/subscribe", { email: given, source: "email:welcome-series" }, randomIp())).status).toBe(202);
    expect((await Db.Subscribers.getByEmail(given))!.optIn!.consent).toMatchObject({ source: "form", attribution: "email:welcome-series" });

    // A form posted without a source (or with a bad one) counts as the home page, whose form it is.
    for (const fields of [{}, { source: "javascript:alert(1)" }] as Array<Record<string, string>>) {
      const email = uniqueEmail("form-nosrc");
      expect((await postForm("/api/subscribe", { email, ...fields }, randomIp())).status).toBe(202);
      expect((await Db.Subscribers.getByEmail(email))!.optIn!.consent.attribution).toBe("page:/");
    }
  });

  it("JSON: a source that is not one is a 400 naming the field, and nothing is written", async () => {
    for (const source of ["nowhere:x", "page:no-slash", "article:a b", "article:", 42, "x".repeat(500)]) {
      const email = uniqueEmail("bad-src");
      const response = await postJson("/api/subscribe", { email, source }, randomIp());
      expect(response.status, String(source)).toBe(400);
      expect((await body(response)).error.code).toBe("invalid_request");
      expect(await Db.Subscribers.getByEmail(email)).toBeUndefined();
    }
  });
});

describe("memberships", () => {
  it("/join carries src into its form, and its POST into the session's and the subscription's metadata", async () => {
    const page = await (await request("/join?tier=coffee&src=email:winback")).text();
    expect(page).toContain('name="source" value="email:winback"');
    expect(await (await request("/join?src=%22%3E")).text()).toContain('name="source" value="page:/join"');

    expect((await postForm("/join", { tier: "coffee", email: uniqueEmail("join-src"), source: "email:winback" }, randomIp())).status).toBe(303);
    expect(stripe.fake.checkoutSessions.at(-1)!.params).toMatchObject({ metadata: { source: "email:winback" }, subscription_data: { metadata: { source: "email:winback" } } });
    expect((await postForm("/join", { tier: "coffee", email: uniqueEmail("join-nosrc") }, randomIp())).status).toBe(303);
    expect(stripe.fake.checkoutSessions.at(-1)!.params.metadata.source).toBe("page:/join");

    const before = stripe.fake.checkoutSessions.length;
    const refused = await postJson("/api/membership/checkout", { tier: "coffee", email: uniqueEmail("join-bad"), source: "digest:<x>" }, randomIp());
    expect(refused.status).toBe(400);
    expect(stripe.fake.checkoutSessions.length).toBe(before); // Stripe never asked
  });

  it("the patron the webhooks make takes the checkout's source once, and is counted once, whatever the order and however often", async () => {
    const source = articleSource();
    const email = uniqueEmail("patron-src");
    expect((await postJson("/api/membership/checkout", { tier: "coffee", email, source }, randomIp())).status).toBe(200);
    const events = completed();

    // Newest first, each twice (the same event id), then all again at once as fresh events (a reconciliation's news).
    for (const make of [...events].reverse()) {
      const evt = make();
      await processed(evt);
      await processed(evt);
    }
    await Promise.all(events.map((make) => processed(make())));

    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    const patron = (await Db.Patrons.get(subscriber.id))!;
    expect(patron).toMatchObject({ status: "active", source });

    // A later change to the subscription's metadata (a shared account's tool) does not move the patron's source.
    const subscription = [...stripe.fake.subscriptions.values()].find((s) => s.customer === patron.stripeCustomerId)!;
    stripe.fake.put({ ...subscription, metadata: { ...subscription.metadata, source: "email:winback" }, cancel_at_period_end: true });
    await processed(event("customer.subscription.updated", stripe.fake.subscriptions.get(subscription.id)!));
    const after = (await Db.Patrons.get(subscriber.id))!;
    expect(after.source).toBe(source);
    expect(after.version).toBeGreaterThan(patron.version);

    expect(await conversions(source, dayOf(patron.createdAt), dayOf(after.updatedAt))).toMatchObject({ patrons: 1 });
    expect(await conversions("email:winback", dayOf(patron.createdAt), dayOf(after.updatedAt))).toMatchObject({ patrons: 0 });
  });
});

describe("contributions and gifts", () => {
  it("a contribution is counted once by its source, with its amount, net of a refund", async () => {
    const source = articleSource();
    const page = await (await request(`/support?src=${source}`)).text();
    expect(page.match(new RegExp(`name="source" value="${source}"`, "g"))?.length).toBe(2); // the contribution's and the gift's forms

    expect((await postJson("/api/contributions/checkout", { amount: 1200, email: uniqueEmail("giver-src"), source }, randomIp())).status).toBe(200);
    const { params, session } = stripe.fake.checkoutSessions.at(-1)!;
    expect(params).toMatchObject({ metadata: { source }, payment_intent_data: { metadata: { source } } });
    const events = completed();
    await Promise.all([...events, ...events].map((make) => processed(make()))); // twice, at once

    const contribution = (await Db.Contributions.get(session.id))!;
    expect(contribution).toMatchObject({ source, amount: 1200 });
    const day = dayOf(contribution.createdAt);
    expect(await conversions(source, day, day)).toMatchObject({ contributions: { eur: { amount: 1200, count: 1, refunded: 0 } } });

    // A partial refund comes off the day the contribution counted on (its event delivered twice).
    const paid = stripe.fake.charges.get(stripe.fake.paymentIntents.get(contribution.paymentIntentId!)!.latest_charge as string)!;
    stripe.fake.charges.set(paid.id, { ...paid, amount_refunded: 500 });
    const refunded = event("charge.refunded", { ...paid, amount_refunded: 500 });
    await processed(refunded);
    await processed(event("charge.refunded", { ...paid, amount_refunded: 500 }));
    expect(await conversions(source, day, day)).toMatchObject({ contributions: { eur: { amount: 700, count: 1, refunded: 500 } } });
  });

  it("the support page's forms without a source count as /support; a gift keeps its source", async () => {
    expect((await postForm("/support", { amount: "1000" }, randomIp())).status).toBe(303);
    expect(stripe.fake.checkoutSessions.at(-1)!.params.metadata.source).toBe("page:/support");

    const giftFields = { tier: "coffee", months: "3", recipientEmail: uniqueEmail("gift-for") };
    expect((await postForm("/gift/checkout", { ...giftFields, source: "digest:weekly-2026-W48" }, randomIp())).status).toBe(303);
    expect(stripe.fake.checkoutSessions.at(-1)!.params.metadata.source).toBe("digest:weekly-2026-W48");
    expect((await postForm("/gift/checkout", giftFields, randomIp())).status).toBe(303);
    expect(stripe.fake.checkoutSessions.at(-1)!.params.metadata.source).toBe("page:/support");

    const source = articleSource();
    const response = await postJson("/api/gifts/checkout", { tier: "coffee", months: 2, recipientEmail: uniqueEmail("gift-json"), source }, randomIp());
    expect(response.status).toBe(200);
    const { session } = stripe.fake.checkoutSessions.at(-1)!;
    for (const make of completed()) await processed(make());
    expect(await Db.Gifts.get(session.id)).toMatchObject({ source, status: "paid" });

    expect((await postJson("/api/gifts/checkout", { ...giftFields, months: 2, source: "page:" }, randomIp())).status).toBe(400);
    expect((await postJson("/api/contributions/checkout", { amount: 1000, source: "gift" }, randomIp())).status).toBe(400);
  });

  it("the topics page sends a reader who funds a story to /support from the topics page", async () => {
    const topic = await createTopic({ title: "Night ferries", status: "open", fundingGoal: 50_000 });
    const page = await (await request("/topics")).text();
    expect(page).toContain(`/support?topic=${topic.id}&amp;src=page:/topics`);
  });
});

describe("GET /api/stats/sources", () => {
  /** A sign-up at `at` (a moved clock), confirmed at `confirmAt` if given. */
  async function signUp(source: string, at: string, confirmAt?: string) {
    const email = uniqueEmail("dated");
    await Subscribers.signup({ email, source }, { ip: randomIp(), source: "api" }, new Date(at));
    if (!confirmAt) return;
    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    const token = Tokens.sign("confirm", `${subscriber.id}~${subscriber.optIn!.id}`, new Date(at));
    await Subscribers.confirm(token, new Date(confirmAt));
  }

  it("sums the days asked across months, leaves out the days outside, and sorts by sign-ups", async () => {
    const [busy, quiet] = [articleSource(), articleSource()];
    await signUp(busy, "2031-03-29T23:59:00Z"); // the day before
    await signUp(busy, "2031-03-30T00:00:00Z");
    await signUp(busy, "2031-03-31T12:00:00Z", "2031-04-01T08:00:00Z");
    await signUp(busy, "2031-03-31T18:00:00Z", "2031-04-02T08:00:00Z"); // confirmed the day after
    await signUp(busy, "2031-04-01T23:59:59Z");
    await signUp(busy, "2031-04-02T00:00:00Z"); // the day after
    await signUp(quiet, "2031-04-01T10:00:00Z", "2031-04-01T11:00:00Z");

    const response = await editorAs("read", "GET", "/api/stats/sources?from=2031-03-30&to=2031-04-01");
    expect(response.status).toBe(200);
    const answer = await body(response);
    expect(answer).toMatchObject({ from: "2031-03-30", to: "2031-04-01" });
    const ours = answer.sources.filter((row: { source: string }) => row.source === busy || row.source === quiet);
    expect(ours).toEqual([
      { source: busy, signups: 4, confirmations: 1, patrons: 0, contributions: {} },
      { source: quiet, signups: 1, confirmations: 1, patrons: 0, contributions: {} },
    ]);
    expect(await conversions(busy, "2031-03-31", "2031-03-31")).toMatchObject({ signups: 2, confirmations: 0 });
    expect(await conversions(busy, "2031-04-02", "2031-04-02")).toMatchObject({ signups: 1, confirmations: 1 });
  });

  it("refuses bad periods with a 400 naming the field, and anyone without an editor's token", async () => {
    for (const query of ["from=2031-02-30", "to=31-01-01", "from=2031-04-02&to=2031-04-01", "from=2030-01-01&to=2031-02-05", "from=tomorrow"]) {
      const response = await editorAs("read", "GET", `/api/stats/sources?${query}`);
      expect(response.status, query).toBe(400);
      expect((await body(response)).error.code).toBe("invalid_request");
    }
    expect((await editorAs("read", "GET", "/api/stats/sources?from=2030-01-01&to=2031-02-04")).status).toBe(200); // 400 days
    expect((await request("/api/stats/sources")).status).toBe(401);
  });
});

describe("the dashboard's Retention page", () => {
  it("shows the period form, the paused patrons, the sources table and the cancellations, in English and Ukrainian", async () => {
    const source = articleSource();
    const email = uniqueEmail("page");
    await Subscribers.signup({ email, source }, { ip: randomIp(), source: "api" }, new Date("2031-06-10T10:00:00Z"));
    const cookie = await dashboardCookie("editor");

    const page = await dashboardGet(cookie, "/editor/retention?from=2031-06-01&to=2031-06-30");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('href="/editor/retention"');
    expect(html).toMatch(/<input type="date" id="retention-from" name="from" value="2031-06-01"/);
    expect(html).toMatch(/patrons? (is|are) paused now|No patron is paused now/);
    expect(html).toContain(`<tr data-source="${source}"><th scope="row">Article ${source.slice("article:".length)}</th><td class="num">1</td>`);
    expect(html).toContain('id="cancellations-heading"');

    const uk = await (await dashboardGet(cookie, "/editor/retention?from=2031-06-01&to=2031-06-30&lang=uk")).text();
    expect(uk).toContain("Звідки вони прийшли");
    expect(uk).toContain(`Стаття ${source.slice("article:".length)}`);

    // An empty field is the default; a bad period is the error page; signed out, the sign-in page.
    expect((await dashboardGet(cookie, "/editor/retention?from=&to=")).status).toBe(200);
    expect((await dashboardGet(cookie, "/editor/retention?from=2031-06-30&to=2031-06-01")).status).toBe(400);
    expect((await request("/editor/retention")).status).toBe(303);
  });
});
