/**
 * Funding a story: an editor's funding goal on a topic (set, cleared, refused out of bounds); the funding counter
 * written with each contribution towards the topic and moved by its refunds, exact under concurrent payments; the
 * public funding route; the progress on `/topics` (its public copy too) and `/support?topic=`; the editors' list
 * of contributions, paged through by month and by topic without a scan; "You funded it, we covered it" once to each
 * contributor when the topic is covered (in the next digest of a reader of digests, by email to anyone else).
 */
import { describe, expect, it, vi } from "vitest";
import * as Db from "../../core/db";
import type Stripe from "stripe";
import * as Topics from "../../core/topics";
import { editor } from "../helpers/editor";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { createDigest, saveSubscriber } from "../helpers/factories";
import * as Privacy from "../../core/privacy";
import { body, deliver, useFakeStripe } from "../helpers/stripe";
import { charge, checkoutSession, event, paymentIntent } from "../helpers/stripe-objects";
import { queueTellContributors } from "../../core/contributions/covered";
import * as Delivery from "../../core/delivery";
import { drain } from "../../scripts/local-worker";

useLocalStack();
const stripe = useFakeStripe();

let topics = 0;
const topicId = () => `fund-${Date.now().toString(36)}-${topics++}`;

/** A topic made by an editor through the API, with a goal if given. */
async function topicWithGoal(fundingGoal?: number, title = "Kherson's water") {
  const id = topicId();
  const response = await editor("PUT", `/api/topics/${id}`, { title, ...(fundingGoal !== undefined && { fundingGoal }) });
  expect(response.status).toBe(201);
  return id;
}

/** A paid contribution's session towards `topic`, and its charge at Stripe. */
function paidTowards(topic: string | undefined, amount: number, email = uniqueEmail("funder")) {
  const paid = charge({ customer: null, amount, currency: "eur" });
  const pi = paymentIntent({ id: paid.payment_intent as string, customer: null, amount, currency: "eur", latestCharge: paid.id });
  stripe.fake.charges.set(paid.id, paid);
  stripe.fake.paymentIntents.set(pi.id, pi);
  const session = checkoutSession({
    customer: null,
    subscription: null,
    mode: "payment",
    email,
    metadata: { kind: "contribution", ...(topic && { topicId: topic }) },
  });
  Object.assign(session, { amount_total: amount, amount_subtotal: amount, currency: "eur", payment_intent: pi.id, payment_status: "paid" });
  return { session, charge: paid };
}

async function processed(evt: Stripe.Event) {
  const response = await deliver(evt);
  expect(response.status, await response.clone().text()).toBe(200);
}

const funding = async (id: string) => {
  const response = await request(`/api/topics/${id}/funding`);
  expect(response.status).toBe(200);
  return body(response);
};

describe("a topic's funding goal", () => {
  it("is set, kept when left out, cleared with null, and refused out of bounds", async () => {
    const id = await topicWithGoal(50_000);
    expect((await body(await editor("PUT", `/api/topics/${id}`, { title: "Kherson's water" }))).topic.fundingGoal).toBe(50_000);
    const changed = await editor("PUT", `/api/topics/${id}`, { title: "Kherson's water", fundingGoal: 60_000 });
    expect(changed.status).toBe(200);
    expect((await body(changed)).topic.fundingGoal).toBe(60_000);
    const cleared = await editor("PUT", `/api/topics/${id}`, { title: "Kherson's water", fundingGoal: null });
    expect((await body(cleared)).topic.fundingGoal).toBeUndefined();
    expect((await funding(id)).goal).toBeNull();
    for (const bad of [0, -5, 12.5, "500", Topics.FUNDING_GOAL_MAX + 1]) {
      const refused = await editor("PUT", `/api/topics/${id}`, { title: "Kherson's water", fundingGoal: bad });
      expect(refused.status, String(bad)).toBe(400);
    }
    expect((await funding(id)).goal).toBeNull();
  });
});

describe("the funding counter", () => {
  it("is exact under concurrent payments, and moved by refunds", async () => {
    const id = await topicWithGoal(50_000);
    const payments = Array.from({ length: 10 }, (_, i) => paidTowards(id, 1000 + i));
    await Promise.all(payments.map((p) => deliver(event("checkout.session.completed", p.session))));
    await Promise.all(payments.slice(0, 3).map((p) => deliver(event("checkout.session.completed", p.session)))); // again
    await processed(event("checkout.session.completed", paidTowards(undefined, 700).session)); // towards no topic
    const sum = payments.reduce((total, p) => total + p.session.amount_total!, 0);
    expect(await funding(id)).toEqual({ goal: 50_000, raised: sum, contributors: 10, currency: "eur" });

    // A partial refund moves what was raised; a full one takes the contribution out of the count too.
    const [partly, fully] = payments as [ReturnType<typeof paidTowards>, ReturnType<typeof paidTowards>];
    stripe.fake.charges.set(partly.charge.id, { ...partly.charge, amount_refunded: 400 });
    stripe.fake.charges.set(fully.charge.id, { ...fully.charge, amount_refunded: fully.charge.amount, refunded: true });
    for (const p of [partly, fully]) {
      await processed(event("charge.refunded", p.charge));
      await processed(event("charge.refunded", p.charge)); // twice: moved once
    }
    expect(await funding(id)).toEqual({ goal: 50_000, raised: sum - 400 - fully.charge.amount, contributors: 9, currency: "eur" });
  });

  it("the funding route: 404 for an unknown topic; a topic without goal or contributions has zeros", async () => {
    expect((await request("/api/topics/no-such-topic/funding")).status).toBe(404);
    const id = await topicWithGoal();
    expect(await funding(id)).toEqual({ goal: null, raised: 0, contributors: 0, currency: "eur" });
  });
});

describe("the progress on the pages", () => {
  it("/topics (signed out, its public copy too) and /support?topic= show it for topics with a goal", async () => {
    const id = await topicWithGoal(50_000, "Funded water story");
    const other = await topicWithGoal(undefined, "Unfunded water story");
    await processed(event("checkout.session.completed", paidTowards(id, 12_000).session));
    await processed(event("checkout.session.completed", paidTowards(other, 900).session));

    const topicsPage = await (await request("/topics")).text();
    expect(topicsPage).toContain("€120 of €500 raised from 1 contribution");
    expect(topicsPage).toMatch(/<progress max="50000" value="12000" aria-label="Funding for Funded water story">/);
    expect(topicsPage).not.toContain("Funding for Unfunded water story");
    const listed = (await body(await request("/api/topics"))).topics;
    expect(listed.find((t: { id: string }) => t.id === id).funding).toEqual({ goal: 50_000, raised: 12_000, contributors: 1, currency: "eur" });
    expect(listed.find((t: { id: string }) => t.id === other).funding).toBeUndefined();

    // Recorded in this process: the public copy is dropped at once, not kept for its 30 seconds.
    await processed(event("checkout.session.completed", paidTowards(id, 3_000).session));
    expect(await (await request("/topics")).text()).toContain("€150 of €500 raised from 2 contributions");

    const support = await (await request(`/support?topic=${id}`)).text();
    expect(support).toContain("€150 of €500 raised from 2 contributions");
    expect(support).toContain('aria-label="Funding for Funded water story"');
    expect(support).not.toContain('aria-label="Funding for Unfunded water story"');
  });
});

describe("the editors' list of contributions", () => {
  /** Every page of `path` (with `limit=2`), and the DynamoDB commands sent meanwhile. */
  async function allPages(query: string) {
    const send = vi.spyOn(Db.db(), "send");
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await editor("GET", `/api/contributions?${query}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(response.status, await response.clone().text()).toBe(200);
      const page = await body(response);
      expect(page.contributions.length).toBeLessThanOrEqual(2);
      seen.push(...page.contributions);
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 50);
    const commands = send.mock.calls.map(([command]) => command.constructor.name);
    send.mockRestore();
    return { seen, commands, pages };
  }

  it("pages through all of them since a time, or those towards a topic, with their status, never scanning", async () => {
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const id = await topicWithGoal(10_000);
    const towards = Array.from({ length: 5 }, (_, i) => paidTowards(id, 500 + i));
    const elsewhere = Array.from({ length: 2 }, (_, i) => paidTowards(undefined, 800 + i));
    for (const p of [...towards, ...elsewhere]) await processed(event("checkout.session.completed", p.session));
    const refunded = towards[0]!;
    stripe.fake.charges.set(refunded.charge.id, { ...refunded.charge, amount_refunded: refunded.charge.amount, refunded: true });
    await processed(event("charge.refunded", refunded.charge));

    const byTopic = await allPages(`topic=${id}&since=${encodeURIComponent(since)}`);
    expect(byTopic.seen.map((c) => c.id)).toEqual(towards.map((p) => p.session.id));
    expect(byTopic.seen[0]).toEqual({ id: refunded.session.id, amount: 500, currency: "eur", topic: id, status: "refunded", createdAt: expect.any(String) });
    expect(byTopic.seen[1]).toMatchObject({ status: "paid", topic: id });
    expect(byTopic.seen[1]).not.toHaveProperty("email");
    expect(byTopic.commands).toContain("QueryCommand");
    expect(byTopic.commands).not.toContain("ScanCommand");

    const all = await allPages(`since=${encodeURIComponent(since)}`);
    const ids = all.seen.map((c) => c.id);
    for (const p of [...towards, ...elsewhere]) expect(ids).toContain(p.session.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(all.pages).toBeGreaterThanOrEqual(4);
    expect(all.commands).not.toContain("ScanCommand");
    expect(all.seen.find((c) => c.id === elsewhere[0]!.session.id)).not.toHaveProperty("topic");
  });

  it("needs an editor's read scope, and refuses a cursor it did not give", async () => {
    expect((await request("/api/contributions")).status).toBe(401);
    expect((await editor("GET", "/api/contributions?cursor=bm9wZQ")).status).toBe(400);
    expect((await editor("GET", "/api/contributions?since=yesterday")).status).toBe(400);
  });
});

describe("You funded it, we covered it", () => {
  const COVERED = "You funded it, we covered it";
  const told = async (email: string) => (await mailTo(email)).filter((m) => m.subject === COVERED);
  const bridges = "https://news.example.org/dnipro-bridges";

  async function sendDigest() {
    const digest = await createDigest();
    expect((await editor("POST", `/api/digests/${digest.id}/send`)).status).toBe(202);
    await drain({ workers: 1, bucket: new Delivery.TokenBucket(1000) });
  }

  it("tells each contributor once: a reader of digests in their next digest, anyone else by one email; not a refunded or erased one", async () => {
    const id = await topicWithGoal(10_000, "Dnipro bridges");
    // A subscriber who gets digests, but follows nothing this topic's article is on: the notice still reaches them.
    const reader = await saveSubscriber({ email: uniqueEmail("funding-reader"), status: "active", topics: ["funding-elsewhere"] });
    const unconfirmed = await saveSubscriber({ email: uniqueEmail("funding-pending"), status: "pending" });
    const stranger = uniqueEmail("funding-stranger");
    const twice = uniqueEmail("funding-twice");
    const refunder = uniqueEmail("funding-refunder");
    const erased = await saveSubscriber({ email: uniqueEmail("funding-erased"), status: "active" });
    const payments = [
      paidTowards(id, 1000, reader.email),
      paidTowards(id, 1000, unconfirmed.email),
      paidTowards(id, 1000, stranger),
      paidTowards(id, 500, twice),
      paidTowards(id, 700, twice),
      paidTowards(id, 900, refunder),
      paidTowards(id, 900, erased.email),
    ];
    for (const p of payments) await processed(event("checkout.session.completed", p.session));
    const refunded = payments[5]!;
    stripe.fake.charges.set(refunded.charge.id, { ...refunded.charge, amount_refunded: refunded.charge.amount, refunded: true });
    await processed(event("charge.refunded", refunded.charge));
    await Privacy.erase(erased.id);

    const article = await editor("PUT", "/api/articles/dnipro-bridges-1", {
      title: "The bridges of the Dnipro",
      url: bridges,
      topics: [id],
      publishedAt: new Date().toISOString(),
    });
    expect(article.status).toBeLessThan(300);
    const cover = { title: "Dnipro bridges", status: "covered", articleIds: ["dnipro-bridges-1"] };
    expect((await editor("PUT", `/api/topics/${id}`, cover)).status).toBe(200);
    expect((await editor("PUT", `/api/topics/${id}`, cover)).status).toBe(200); // the trigger again: nobody told twice
    await Promise.all([editor("PUT", `/api/topics/${id}`, cover), editor("PUT", `/api/topics/${id}`, cover)]);
    // The editor's request told nobody itself: it queued the news.
    expect(await Db.FundedNotices.pending([reader.id])).toEqual(new Map());

    // Reading mail works the transactional queue: the covered messages fan out, their emails go.
    for (const email of [unconfirmed.email, stranger, twice]) {
      const emails = await told(email);
      expect(emails, email).toHaveLength(1);
      expect(emails[0]!.body.html).toContain(bridges);
      expect(emails[0]!.body.text).toContain("Dnipro bridges");
    }
    for (const email of [reader.email, refunder, erased.email]) expect(await told(email), email).toHaveLength(0);
    const notice = { topicId: id, title: "Dnipro bridges", url: bridges };
    expect(await Db.FundedNotices.pending([reader.id])).toEqual(new Map([[reader.id, [notice]]]));

    // SQS delivers the covered message again: nothing new for anyone.
    await queueTellContributors(id);
    for (const email of [unconfirmed.email, stranger, twice]) expect(await told(email), email).toHaveLength(1);

    // The reader's next digest opens with the notice; then it is told, and never added again.
    const mailed = (await mailTo(reader.email)).length; // their thank-you so far
    await sendDigest();
    const [digest, ...more] = (await mailTo(reader.email)).slice(mailed);
    expect(more).toHaveLength(0);
    expect(digest!.subject).not.toBe(COVERED);
    expect(digest!.body.text).toContain(`${COVERED}\n\nYou gave towards Dnipro bridges. Thank you: read what we published <${bridges}>.`);
    expect(digest!.body.text!.split(COVERED)).toHaveLength(2);
    expect(await Db.FundedNotices.pending([reader.id])).toEqual(new Map());
    await queueTellContributors(id);
    await mailTo(reader.email); // works the queue
    expect(await Db.FundedNotices.pending([reader.id])).toEqual(new Map());
    await sendDigest(); // nothing else for them: skipped, not sent the notice again
    expect(await mailTo(reader.email)).toHaveLength(mailed + 1);
  }, 60_000);

  it("tells nobody while the topic is only open or closed", async () => {
    const id = await topicWithGoal(10_000, "Odesa port");
    const email = uniqueEmail("funding-open");
    await processed(event("checkout.session.completed", paidTowards(id, 1000, email).session));
    expect((await editor("PUT", `/api/topics/${id}`, { title: "Odesa port", status: "closed" })).status).toBe(200);
    expect(await told(email)).toHaveLength(0);
  });
});
