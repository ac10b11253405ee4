/**
 * A pause instead of a cancel (issue 21, item 2), against the local stack and the Stripe stand-in: the account
 * page's form pauses collection at Stripe (`pause_collection`, behaviour `void`, `resumes_at` N months on, with an
 * idempotency key); the patron is `paused` at once: the free digest, votes kept but not counted, one email saying
 * until when, no churn.
 * It resumes by itself: by the clock (the hourly expiry) or by Stripe's `customer.subscription.updated`, in either
 * order and twice; "Resume now" ends it early. Refusals change nothing. Editors see paused patrons apart.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { readerFor } from "../../core/digests/compose";
import * as Patrons from "../../core/patrons";
import { pauseEnd } from "../../core/patrons/pause";
import { stats } from "../../core/subscribers/stats";
import * as Votes from "../../core/votes";
import { dashboardCookie, dashboardGet } from "../helpers/dashboard";
import { createTopic, saveSubscriber, savePatron, signedIn, type SignedIn } from "../helpers/factories";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { body, deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

const MINUTE = 60_000;
const seconds = (ms: number) => Math.floor(ms / 1000);
const today = () => new Date().toISOString().slice(0, 10);
const patronEmails = async (email: string) => (await mailTo(email)).filter((m) => /patron|membership|payment/i.test(m.subject)).length;
const pausedEmails = async (email: string) => (await mailTo(email)).filter((m) => /membership is paused until/.test(m.subject));

/** A patron paying monthly through Stripe (the stand-in), signed in, with one counted vote on an open topic. */
async function patronWithVote(name: string) {
  const subscriber = await saveSubscriber({ email: uniqueEmail(name) });
  const member = stripeMember(stripe.fake, {
    email: subscriber.email,
    subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
  });
  expect((await deliver(event("customer.subscription.created", member.subscription))).status).toBe(200);
  const topic = await createTopic({ status: "open" });
  await Votes.vote(subscriber.id, topic.id);
  expect(await Db.Topics.tally(topic.id)).toEqual({ score: 1, voters: 1 });
  return { subscriber, ...member, topic, reader: await signedIn(subscriber.id) };
}

/** A form POST from the account page (a browser: our Origin, asking for HTML). */
function formPost(reader: SignedIn, path: string, fields: Record<string, string> = {}, origin = new URL(process.env.PUBLIC_URL!).origin) {
  return request(path, {
    method: "POST",
    headers: { cookie: reader.header, origin, accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

const updates = (subscriptionId: string) => stripe.fake.requests.filter((r) => r.method === "POST" && r.path === `/v1/subscriptions/${subscriptionId}`);
const accountPage = async (reader: SignedIn, lang = "en") => (await request(`/account?lang=${lang}`, { headers: { cookie: reader.header } })).text();

describe("pausing from /account", () => {
  it.each([1, 2, 3])("pauses for %i month(s): Stripe's pause_collection, paused at once, free digest, votes kept but not counted, one email, no churn", async (months) => {
    const { subscriber, subscription, topic, reader } = await patronWithVote(`pause-${months}`);
    const emailsBefore = await patronEmails(subscriber.email);
    const countsBefore = await Db.Stats.countsOf(today());
    expect(await accountPage(reader)).toContain('action="/account/pause"');

    const asked = new Date();
    const response = await formPost(reader, "/account/pause", { months: String(months) });
    const answered = new Date();

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/account#pause");
    const [update, ...more] = updates(subscription.id);
    expect(more).toEqual([]);
    const resumesAt = Number((update!.body.pause_collection as { resumes_at: string }).resumes_at);
    expect(update!.body).toEqual({ pause_collection: { behavior: "void", resumes_at: String(resumesAt) } });
    expect(update!.idempotencyKey).toMatch(new RegExp(`^pause-${subscription.id}-v\\d+-${months}$`));
    expect(resumesAt).toBeGreaterThanOrEqual(seconds(pauseEnd(asked, months).getTime()));
    expect(resumesAt).toBeLessThanOrEqual(seconds(pauseEnd(answered, months).getTime()));

    const pausedUntil = new Date(resumesAt * 1000).toISOString();
    const patron = await Patrons.get(subscriber.id);
    expect(patron).toMatchObject({ status: "paused", pausedUntil, subscriptionStatus: "active" });
    expect((await readerFor(subscriber)).variant).toBe("free");
    expect((await Db.Votes.get(topic.id, subscriber.id))?.counted).toBe(false);
    expect(await Db.Topics.tally(topic.id)).toEqual({ score: 0, voters: 0 });
    expect(await patronEmails(subscriber.email)).toBe(emailsBefore + 1);
    const [email, ...others] = await pausedEmails(subscriber.email);
    expect(others).toEqual([]);
    expect(email!.subject).toContain(new Date(pausedUntil).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }));
    // The pause's own event, delivered twice, sends nothing more.
    const pausedEvent = event("customer.subscription.updated", stripe.fake.subscriptions.get(subscription.id)!);
    expect((await deliver(pausedEvent)).status).toBe(200);
    expect((await deliver(pausedEvent)).status).toBe(200);
    expect(await pausedEmails(subscriber.email)).toHaveLength(1);
    const countsAfter = await Db.Stats.countsOf(today());
    expect([countsAfter.patronsJoined, countsAfter.patronsChurned]).toEqual([countsBefore.patronsJoined, countsBefore.patronsChurned]);

    // The page says so, in both languages, with "Resume now" and no second pause form.
    const en = await accountPage(reader);
    expect(en).toContain("Your membership is paused until");
    expect(en).toContain('action="/account/resume"');
    expect(en).not.toContain('action="/account/pause"');
    expect(await accountPage(reader, "uk")).toContain("Ваше членство призупинено до");
    const topics = await (await request("/topics", { headers: { cookie: reader.header } })).text();
    expect(topics).toContain("your votes are kept, and count again when it resumes");
  });
});

describe("resuming by itself", () => {
  it("by the clock first (expiry), then Stripe's event, delivered twice: votes count again, patron digest, no email, no join", async () => {
    const { subscriber, subscription, topic, reader } = await patronWithVote("resume-clock");
    expect((await formPost(reader, "/account/pause", { months: "1" })).status).toBe(303);
    const { pausedUntil, version } = (await Patrons.get(subscriber.id))!;
    const end = Date.parse(pausedUntil!);
    const emailsBefore = await patronEmails(subscriber.email);
    const countsBefore = await Db.Stats.countsOf(today());

    // A minute early, nothing changes; once it has passed, the hourly expiry resumes it from what is stored.
    expect((await Patrons.expire(new Date(end - MINUTE))).changed.filter((c) => c.subscriberId === subscriber.id)).toEqual([]);
    expect((await readerFor(subscriber, new Date(end + MINUTE))).variant).toBe("patron"); // right even before expiry runs
    const report = await Patrons.expire(new Date(end + MINUTE));
    expect(report.changed).toContainEqual({ subscriberId: subscriber.id, from: "paused", to: "active" });
    const resumed = await Patrons.get(subscriber.id);
    expect(resumed?.status).toBe("active");
    expect(resumed?.pausedUntil).toBeUndefined();
    expect(resumed!.version).toBeGreaterThan(version);
    expect((await Db.Votes.get(topic.id, subscriber.id))?.counted).toBe(true);
    expect(await Db.Topics.tally(topic.id)).toEqual({ score: 1, voters: 1 });

    // Stripe clears the pause at resumes_at and says so, late and twice: nothing more changes.
    const events = await stripe.fake.resumeDue(seconds(end));
    expect(events.map(([type, object]) => [type, (object as { id: string }).id])).toContainEqual(["customer.subscription.updated", subscription.id]);
    const updated = event("customer.subscription.updated", stripe.fake.subscriptions.get(subscription.id)!);
    expect((await deliver(updated)).status).toBe(200);
    expect((await deliver(updated)).status).toBe(200);
    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "active", tierId: "coffee" });
    expect(await Db.Topics.tally(topic.id)).toEqual({ score: 1, voters: 1 });
    expect(await patronEmails(subscriber.email)).toBe(emailsBefore);
    const countsAfter = await Db.Stats.countsOf(today());
    expect([countsAfter.patronsJoined, countsAfter.patronsChurned]).toEqual([countsBefore.patronsJoined, countsBefore.patronsChurned]);
  });

  it("by Stripe's event first, the pause's own event arriving after it (out of order), then expiry finds nothing to do", async () => {
    const { subscriber, subscription, topic, reader } = await patronWithVote("resume-event");
    expect((await formPost(reader, "/account/pause", { months: "2" })).status).toBe(303);
    const pausedEvent = event("customer.subscription.updated", stripe.fake.subscriptions.get(subscription.id)!);
    const end = Date.parse((await Patrons.get(subscriber.id))!.pausedUntil!);

    await stripe.fake.resumeDue(seconds(end));
    const resumedEvent = event("customer.subscription.updated", stripe.fake.subscriptions.get(subscription.id)!);
    expect((await deliver(resumedEvent)).status).toBe(200);
    expect((await Patrons.get(subscriber.id))?.status).toBe("active");
    expect((await Db.Votes.get(topic.id, subscriber.id))?.counted).toBe(true);

    // The older event (its payload still paused) comes now: the state is fetched, so it stays active.
    expect((await deliver(pausedEvent)).status).toBe(200);
    expect((await deliver(resumedEvent)).status).toBe(200);
    expect((await Patrons.get(subscriber.id))?.status).toBe("active");
    expect((await Patrons.expire(new Date(end + MINUTE))).changed.filter((c) => c.subscriberId === subscriber.id)).toEqual([]);
    expect(await Db.Topics.tally(topic.id)).toEqual({ score: 1, voters: 1 });
  });

  it("Resume now: unsets pause_collection at Stripe and counts the votes again at once", async () => {
    const { subscriber, subscription, topic, reader } = await patronWithVote("resume-now");
    expect((await formPost(reader, "/account/pause", { months: "3" })).status).toBe(303);

    const response = await formPost(reader, "/account/resume");

    expect(response.status).toBe(303);
    const last = updates(subscription.id).at(-1)!;
    expect(last.body).toEqual({ pause_collection: "" });
    expect(last.idempotencyKey).toMatch(new RegExp(`^resume-${subscription.id}-v\\d+$`));
    expect(stripe.fake.subscriptions.get(subscription.id)!.pause_collection).toBeNull();
    expect((await Patrons.get(subscriber.id))?.status).toBe("active");
    expect(await Db.Topics.tally(topic.id)).toEqual({ score: 1, voters: 1 });
    expect(await accountPage(reader)).toContain('action="/account/pause"');
  });
});

describe("the JSON routes", () => {
  it("POST /api/account/pause and /api/account/resume answer the patron; a second pause is a 409 that changes nothing", async () => {
    const { subscriber, subscription, reader } = await patronWithVote("pause-json");

    const paused = await reader.post("/api/account/pause", { months: 2 });
    expect(paused.status).toBe(200);
    const { pausedUntil } = (await Patrons.get(subscriber.id))!;
    expect(await body(paused)).toEqual({ patron: { status: "paused", pausedUntil } });

    const again = await reader.post("/api/account/pause", { months: 1 });
    expect(again.status).toBe(409);
    expect((await body(again)).error.code).toBe("already_paused");
    expect(updates(subscription.id)).toHaveLength(1);

    const resumed = await reader.post("/api/account/resume");
    expect(resumed.status).toBe(200);
    expect(await body(resumed)).toEqual({ patron: { status: "active" } });
    const notPaused = await reader.post("/api/account/resume");
    expect(notPaused.status).toBe(409);
    expect(updates(subscription.id)).toHaveLength(2);
  });
});

describe("refusals change nothing", () => {
  it("months outside 1 to 3, or not a whole number: 400 (a page for the form, JSON for the API)", async () => {
    const { subscriber, subscription, reader } = await patronWithVote("pause-months");
    const before = await Patrons.get(subscriber.id);
    for (const months of ["0", "4", "-1", "1.5", "two", ""]) {
      const response = await formPost(reader, "/account/pause", { months });
      expect(response.status, months).toBe(400);
      expect(response.headers.get("content-type"), months).toMatch(/text\/html/);
    }
    for (const months of [0, 4, "2", null]) {
      const response = await reader.post("/api/account/pause", { months });
      expect(response.status, String(months)).toBe(400);
      expect((await body(response)).error.code).toBe("invalid_request");
    }
    expect(updates(subscription.id)).toEqual([]);
    expect(await Patrons.get(subscriber.id)).toEqual(before);
  });

  it("a reader who is no patron: 404; comped, in grace or lapsed: 403; cancelling at the period's end: 409; no session: 401; another origin: 403", async () => {
    const plain = await signedIn({ email: uniqueEmail("pause-plain") });
    expect((await formPost(plain, "/account/pause", { months: "1" })).status).toBe(404);

    const future = new Date(Date.now() + 30 * 24 * 60 * MINUTE).toISOString();
    const cases = [
      { status: "comped", compTierId: "coffee", compedUntil: future },
      { status: "grace", graceUntil: future, subscriptionStatus: "past_due" },
      { status: "lapsed", subscriptionStatus: "canceled" },
    ] as const;
    for (const fields of cases) {
      const subscriber = await saveSubscriber({ email: uniqueEmail(`pause-${fields.status}`) });
      const patron = await savePatron({ subscriberId: subscriber.id, tierId: "coffee", stripeCustomerId: "cus_x", stripeSubscriptionId: "sub_x", ...fields });
      const response = await (await signedIn(subscriber.id)).post("/api/account/pause", { months: 1 });
      expect(response.status, fields.status).toBe(403);
      expect((await body(response)).error.code).toBe("not_eligible");
      expect(await Patrons.get(subscriber.id)).toEqual(patron);
    }

    const { subscriber, subscription, reader } = await patronWithVote("pause-cancelling");
    stripe.fake.put({ ...stripe.fake.subscriptions.get(subscription.id)!, cancel_at_period_end: true });
    expect((await deliver(event("customer.subscription.updated", stripe.fake.subscriptions.get(subscription.id)!))).status).toBe(200);
    const cancelling = await reader.post("/api/account/pause", { months: 1 });
    expect(cancelling.status).toBe(409);
    expect((await body(cancelling)).error.code).toBe("cancelling");

    expect((await request("/api/account/pause", { method: "POST", headers: { "content-type": "application/json" }, body: '{"months":1}' })).status).toBe(401);
    expect((await formPost(reader, "/account/pause", { months: "1" }, "https://elsewhere.example")).status).toBe(403);
    expect(updates(subscription.id)).toEqual([]);
    expect((await Patrons.get(subscriber.id))?.status).toBe("active");
  });

  it("a pause made at Stripe meanwhile (the portal) is refused, and the patron is shown paused from then on", async () => {
    const { subscriber, subscription, reader } = await patronWithVote("pause-elsewhere");
    const resumesAt = seconds(Date.now() + 40 * 24 * 60 * MINUTE);
    stripe.fake.put({ ...stripe.fake.subscriptions.get(subscription.id)!, pause_collection: { behavior: "void", resumes_at: resumesAt } });

    const response = await reader.post("/api/account/pause", { months: 1 });

    expect(response.status).toBe(409);
    expect(updates(subscription.id)).toEqual([]);
    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "paused", pausedUntil: new Date(resumesAt * 1000).toISOString() });
  });
});

describe("a pause made in Stripe's Dashboard with no end", () => {
  it("is paused until someone resumes it: expiry leaves it, Stripe's unset event (twice) ends it", async () => {
    const { subscriber, subscription, topic, reader } = await patronWithVote("pause-open");
    stripe.fake.put({ ...stripe.fake.subscriptions.get(subscription.id)!, pause_collection: { behavior: "mark_uncollectible", resumes_at: null } });
    expect((await deliver(event("customer.subscription.updated", stripe.fake.subscriptions.get(subscription.id)!))).status).toBe(200);

    const paused = await Patrons.get(subscriber.id);
    expect(paused?.status).toBe("paused");
    expect(paused?.pausedUntil).toBeUndefined();
    expect(await Db.Topics.tally(topic.id)).toEqual({ score: 0, voters: 0 });
    expect(await accountPage(reader)).toContain("Your membership is paused until it is resumed.");
    expect((await Patrons.expire(new Date(Date.now() + 400 * 24 * 60 * MINUTE))).changed.filter((c) => c.subscriberId === subscriber.id)).toEqual([]);

    stripe.fake.put({ ...stripe.fake.subscriptions.get(subscription.id)!, pause_collection: null });
    const resumed = event("customer.subscription.updated", stripe.fake.subscriptions.get(subscription.id)!);
    expect((await deliver(resumed)).status).toBe(200);
    expect((await deliver(resumed)).status).toBe(200);
    expect((await Patrons.get(subscriber.id))?.status).toBe("active");
    expect(await Db.Topics.tally(topic.id)).toEqual({ score: 1, voters: 1 });
  });
});

describe("a subscription Stripe no longer has", () => {
  it("Resume now finds it gone: 404, and the membership ends by the usual rules (lapsed)", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("pause-gone") });
    const pausedUntil = new Date(Date.now() + 20 * 24 * 60 * MINUTE).toISOString();
    await savePatron({ subscriberId: subscriber.id, status: "paused", tierId: "coffee", stripeCustomerId: "cus_gone", stripeSubscriptionId: "sub_gone", subscriptionStatus: "active", pausedUntil });

    const response = await (await signedIn(subscriber.id)).post("/api/account/resume");

    expect(response.status).toBe(404);
    expect((await Patrons.get(subscriber.id))?.status).toBe("lapsed");
  });
});

describe("editors see paused patrons apart", () => {
  it("in the subscribers' list of paused patrons, on the record, and in the figures (MRR without them, their revenue apart)", async () => {
    const { subscriber, reader } = await patronWithVote("pause-editors");
    expect((await formPost(reader, "/account/pause", { months: "1" })).status).toBe(303);
    const cookie = await dashboardCookie("editor");

    const list = await dashboardGet(cookie, "/editor/subscribers?patrons=paused");
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain(subscriber.email);
    expect(html).toContain(`/editor/subscribers/${encodeURIComponent(subscriber.email)}`);
    expect(await (await dashboardGet(cookie, "/editor/subscribers")).text()).toContain('href="/editor/subscribers?patrons=paused"');

    const record = await (await dashboardGet(cookie, `/editor/subscribers/${encodeURIComponent(subscriber.email)}`)).text();
    expect(record).toContain("Paused until");
    expect(record).toContain(">paused<");

    const figures = await stats();
    expect(figures.patrons.byStatus.paused).toBeGreaterThanOrEqual(1);
    expect(figures.pausedMonthlyRevenue.eur).toBeGreaterThanOrEqual(500);
  });
});
