/**
 * The welcome series (core/series) against the real local stack: the ledger written at a confirmation, the steps
 * picked when due by the schedule a page at a time, each sent once by the transactional worker (however often it
 * is queued, and by two workers at once), stopped at unsubscribe, bounce and on becoming a patron, skipped when
 * there is nothing to read, in the reader's language; erasure takes the ledger, the export lists it. The clock is
 * moved through `now`: each scenario lives in a period of its own, far from the others (the schedule reads every
 * step due in its window, whoever's).
 */
import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Series from "../../core/db/series";
import { TokenBucket } from "../../core/delivery/pacing";
import * as Email from "../../core/email";
import * as Privacy from "../../core/privacy";
import * as Queue from "../../core/queue";
import { begin, bestOfMessage, patronInvitationMessage, runSeries, seriesOf, stepMessageId } from "../../core/series";
import * as Subscribers from "../../core/subscribers";
import type { Subscriber } from "../../core/subscribers";
import * as Tokens from "../../core/tokens";
import { drainTransactional } from "../../scripts/local-worker";
import { dashboardCookie, dashboardGet } from "../helpers/dashboard";
import { makeArticle, savePatron, saveSubscriber } from "../helpers/factories";
import { postForm, postJson, randomIp } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailboxes, mailTo, tokenFrom, uniqueEmail, type StoredEmail } from "../helpers/mail";
import { startSesProxy } from "../helpers/ses-proxy";

useLocalStack();

const DAY = 86_400_000;
const STARTED = Date.now();
/** Each scenario's own period, 60 days from the next (more than the 10 days of the series and the 14 looked back). */
let periods = 0;
const period = () => new Date(Date.UTC(2025, 0, 6, 9, 30) + periods++ * 60 * DAY);
const later = (from: Date, days: number, hours = 0) => new Date(from.getTime() + days * DAY + hours * 3_600_000);

/** Works the file's transactional queue with the worker's clock at `now`, unpaced. */
const work = (now: Date, options: { visibilitySeconds?: number } = {}) =>
  drainTransactional({ now: () => now, bucket: new TokenBucket(1000), throttleBudgetMs: 0, ...options });

const subjects = (mail: StoredEmail[]) => mail.map((m) => m.subject);
const bestOf = (mail: StoredEmail[]) => mail.filter((m) => /best of|найкраще/i.test(m.subject));
const invitations = (mail: StoredEmail[]) => mail.filter((m) => /paid for by its readers|завдяки читачам/i.test(m.subject));

/** An active subscriber confirmed at `at`, following `topics`, whose series has begun (the welcome sent). */
async function confirmedAt(at: Date, overrides: Partial<Subscriber> = {}): Promise<Subscriber> {
  const subscriber = await saveSubscriber({ email: uniqueEmail("series"), confirmedAt: at.toISOString(), ...overrides });
  await begin(subscriber, "new", at);
  return subscriber;
}

/**
 * An active subscriber confirmed at `at` whose series is in the ledger, its welcome settled without an email (the
 * inline welcome is paced from the transactional reserve: many of them would make a test slow).
 */
async function ledgerOnly(at: Date, overrides: Partial<Subscriber> = {}): Promise<Subscriber> {
  const subscriber = await saveSubscriber({ email: uniqueEmail("series"), confirmedAt: at.toISOString(), ...overrides });
  await Series.begin(seriesOf(subscriber.id, at, at));
  await Series.settle(subscriber.id, "welcome", { status: "sent", sesMessageId: "welcome-not-sent-here" }, at.toISOString());
  return subscriber;
}

/** An article published at `at` on `topic` (straight to the table: the API would stamp it with today). */
async function published(at: Date, topic: string, overrides: Parameters<typeof makeArticle>[0] = {}) {
  const article = makeArticle({ id: `series-${Math.random().toString(36).slice(2, 10)}`, topics: [topic], publishedAt: at.toISOString(), ...overrides });
  await Db.Articles.put(article);
  return article;
}

const stepOf = async (subscriberId: string, step: string) => (await Series.get(subscriberId, step))!;

async function setStatus(subscriber: Subscriber, status: Subscriber["status"]) {
  const current = (await Db.Subscribers.get(subscriber.id))!;
  await Db.Subscribers.save({ ...current, status, version: current.version + 1 }, current);
}

beforeAll(async () => {
  const at = new Date().toISOString();
  await Db.Topics.put({ id: "harbour", title: "Harbour", translations: { uk: { title: "Гавань" } }, status: "open", articleIds: [], createdAt: at, updatedAt: at });
});

describe("a confirmed sign-up", () => {
  it("writes the series' three steps, sends the welcome as day 0, and confirming again writes and sends nothing", async () => {
    const email = uniqueEmail("series-signup");
    expect((await postJson("/api/subscribe", { email, topics: ["harbour"] }, randomIp())).status).toBe(202);
    const token = tokenFrom((await mailTo(email))[0]!, "/confirm");

    expect((await postForm("/confirm", { token })).status).toBe(200);
    expect((await postForm("/confirm", { token })).status).toBe(200);

    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    const series = await Series.ofSubscriber(subscriber.id);
    const confirmed = Date.parse(subscriber.confirmedAt!);
    expect(series.map(({ step, day, status }) => ({ step, day, status }))).toEqual([
      { step: "welcome", day: 0, status: "sent" },
      { step: "best-of", day: 3, status: "queued" },
      { step: "patron-invitation", day: 10, status: "queued" },
    ]);
    expect(series.map((delivery) => Date.parse(delivery.dueAt) - confirmed)).toEqual([0, 3 * DAY, 10 * DAY]);
    expect(series[0]!.sesMessageId).toEqual(expect.any(String));
    const mail = await mailTo(email);
    expect(subjects(mail)).toEqual([expect.stringMatching(/confirm/i), expect.stringMatching(/welcome/i)]);
  });

  it("left half done (the series never written), is finished by following the same link again", async () => {
    const at = new Date();
    const subscriber = await saveSubscriber({
      email: uniqueEmail("series-retry"),
      confirmedAt: at.toISOString(),
      consent: { requestedAt: at.toISOString(), confirmedAt: at.toISOString(), optInId: "optin-retried", source: "api", textVersion: "test" },
    });

    const again = await Subscribers.confirm(Tokens.sign("confirm", `${subscriber.id}~optin-retried`), at);

    expect(again.alreadyActive).toBe(true);
    expect((await Series.ofSubscriber(subscriber.id)).map((delivery) => delivery.status)).toEqual(["sent", "queued", "queued"]);
    expect(subjects(await mailTo(subscriber.email))).toEqual([expect.stringMatching(/welcome/i)]);
  });
});

describe("a second subscription", () => {
  it("gets the welcome at its confirmation, and not the series again", async () => {
    const base = period();
    const subscriber = await ledgerOnly(base);
    await Series.settle(subscriber.id, "best-of", { status: "skipped", reason: "unsubscribed" }, later(base, 3).toISOString());

    await begin(subscriber, "new", later(base, 5)); // they unsubscribed, signed up again and confirmed

    expect(subjects(await mailTo(subscriber.email))).toEqual([expect.stringMatching(/welcome/i)]);
    expect((await Series.ofSubscriber(subscriber.id)).map((delivery) => delivery.status)).toEqual(["sent", "skipped", "queued"]);
  });
});

describe("the schedule and the worker", () => {
  it("send each step when it is due, once: not before, not again on a second run, a duplicate message or a re-confirmation", async () => {
    const base = period();
    await published(later(base, 1), "harbour", { title: "Dredging contract awarded" });
    const subscriber = await confirmedAt(base, { topics: ["harbour"], name: "Ada" });

    expect(await runSeries(later(base, 2, 23))).toMatchObject({ queued: 0 });
    const day3 = later(base, 3, 1);
    expect(await runSeries(day3)).toMatchObject({ queued: 1 });
    expect(await runSeries(day3)).toMatchObject({ queued: 0 });
    // The same step's message delivered twice by SQS.
    const message = { kind: "series-step", id: stepMessageId(subscriber.id, "best-of"), subscriberId: subscriber.id, step: "best-of" };
    await Queue.enqueue([message], 0, Queue.transactionalQueueUrl());
    await work(day3);
    await begin(subscriber, "again", day3);

    const afterDay3 = await mailTo(subscriber.email);
    expect(bestOf(afterDay3)).toHaveLength(1);
    expect(bestOf(afterDay3)[0]!.body.text).toContain("Dredging contract awarded");
    expect(await stepOf(subscriber.id, "best-of")).toMatchObject({ status: "sent", sentAt: day3.toISOString(), sesMessageId: expect.any(String) });
    expect(invitations(afterDay3)).toHaveLength(0);

    const day10 = later(base, 10, 1);
    expect(await runSeries(day10)).toMatchObject({ queued: 1 });
    await work(day10);
    expect(await runSeries(later(day10, 0, 2))).toMatchObject({ queued: 0 });

    const all = await mailTo(subscriber.email);
    expect(subjects(all)).toHaveLength(3); // welcome, best-of, invitation
    const [invitation] = invitations(all);
    expect(invitation!.body.text).toMatch(/\/join\?src=email%3Awelcome-series/);
    expect(invitation!.body.text).toMatch(/\/support/);
    expect(invitation!.body.text).toMatch(/Coffee/);
    expect(invitation!.body.text).toMatch(/€5 a month/);
    expect(invitation!.body.text).toMatch(/\/unsubscribe\?token=/);
    expect((await Series.ofSubscriber(subscriber.id)).map((delivery) => delivery.status)).toEqual(["sent", "sent", "sent"]);
  });

  it("sends a step once when two workers take its duplicate messages at the same time", async () => {
    const base = period();
    const subscriber = await confirmedAt(base);
    const day10 = later(base, 10, 1);
    expect(await runSeries(day10)).toMatchObject({ queued: 2 }); // best-of (nothing to read: skipped) and the invitation
    const message = { kind: "series-step", id: stepMessageId(subscriber.id, "patron-invitation"), subscriberId: subscriber.id, step: "patron-invitation" };
    await Queue.enqueue([message, message, message], 0, Queue.transactionalQueueUrl());

    await Promise.all([work(day10, { visibilitySeconds: 1 }), work(day10, { visibilitySeconds: 1 })]);

    expect(invitations(await mailTo(subscriber.email))).toHaveLength(1);
    expect(await stepOf(subscriber.id, "patron-invitation")).toMatchObject({ status: "sent" });
    expect(await stepOf(subscriber.id, "best-of")).toMatchObject({ status: "skipped", reason: "nothing-to-read" });
  });

  it("reads the due steps a page at a time, and puts each on the queue once", async () => {
    const base = period();
    const subscribers = await Promise.all(Array.from({ length: 7 }, (_, i) => ledgerOnly(later(base, 0, i / 10))));
    await published(later(base, 1), "harbour");
    const day3 = later(base, 3, 1);

    const first = await runSeries(day3, { pageSize: 3 });

    expect(first.queued).toBe(7);
    expect(first.pages).toBeGreaterThanOrEqual(15 + 2); // one per day looked at, and the due day's three pages
    expect((await runSeries(day3, { pageSize: 3 })).queued).toBe(0);
    await work(day3);
    const inboxes = await mailboxes(STARTED);
    for (const subscriber of subscribers) expect(bestOf(inboxes.get(subscriber.email) ?? [])).toHaveLength(1);
  });

  it("sends, once, the welcome SES refused at the confirmation, when the schedule finds it still queued", async () => {
    const base = period();
    const subscriber = await saveSubscriber({ email: uniqueEmail("series-refused"), confirmedAt: base.toISOString() });
    const proxy = await startSesProxy({ quotaExceededAt: 1 });
    try {
      await expect(begin(subscriber, "new", base)).rejects.toThrow(/quota/i);
      expect(await stepOf(subscriber.id, "welcome")).toMatchObject({ status: "queued" });

      expect(await runSeries(later(base, 0, 1))).toMatchObject({ queued: 1 });
      await work(later(base, 0, 1));
    } finally {
      await proxy.stop();
    }

    expect(subjects(await mailTo(subscriber.email))).toEqual([expect.stringMatching(/welcome/i)]);
    expect(await stepOf(subscriber.id, "welcome")).toMatchObject({ status: "sent" });
  });
});

describe("the series stops", () => {
  it("at unsubscribe, bounce, complaint, and on becoming a patron: skipped with the reason, no email", async () => {
    const base = period();
    await published(later(base, 1), "harbour");
    const [unsubscribed, bounced, complained, patron, lapsed] = await Promise.all(Array.from({ length: 5 }, () => ledgerOnly(base)));
    await setStatus(unsubscribed!, "unsubscribed");
    await setStatus(bounced!, "bounced");
    await setStatus(complained!, "complained");
    await savePatron({ subscriberId: patron!.id, status: "active" });
    await savePatron({ subscriberId: lapsed!.id, status: "lapsed" });

    const day3 = later(base, 3, 1);
    expect(await runSeries(day3)).toMatchObject({ queued: 5 });
    await work(day3);

    const stopped = [unsubscribed!, bounced!, complained!, patron!, lapsed!];
    const steps = await Promise.all(stopped.map((s) => stepOf(s.id, "best-of")));
    expect(steps.map((step) => step.reason)).toEqual(["unsubscribed", "bounced", "complained", "patron", "patron"]);
    for (const step of steps) expect(step).toMatchObject({ status: "skipped", settledAt: day3.toISOString() });
    // Settled steps leave the due index: the invitation's day finds only the invitations.
    expect(await runSeries(later(base, 10, 1))).toMatchObject({ queued: 5 });
    await work(later(base, 10, 1));
    const inboxes = await mailboxes(STARTED);
    for (const s of stopped) expect(inboxes.get(s.email) ?? []).toEqual([]);
  });

  it("skips the best-of when nothing on their topics was published lately", async () => {
    const base = period();
    await published(later(base, 1), "harbour");
    await published(later(base, -20), "council"); // on their topic, but too old
    const subscriber = await confirmedAt(base, { topics: ["council"] });

    await runSeries(later(base, 3, 1));
    await work(later(base, 3, 1));

    expect(await stepOf(subscriber.id, "best-of")).toMatchObject({ status: "skipped", reason: "nothing-to-read" });
    expect(bestOf(await mailTo(subscriber.email))).toHaveLength(0);
  });
});

describe("in the reader's language", () => {
  it("sends a Ukrainian reader the Ukrainian best-of, each story once in its Ukrainian version", async () => {
    const base = period();
    const original = await published(later(base, 1), "harbour", { title: "Ferry fares rise again", language: "en" });
    await published(later(base, 1, 1), "harbour", { title: "Ціни на пором знову зросли", language: "uk", translationOf: original.id });
    await published(later(base, 2), "harbour", { title: "Harbour wall repaired", language: "en" });
    const subscriber = await confirmedAt(base, { language: "uk", topics: ["harbour"] });

    await runSeries(later(base, 3, 1));
    await work(later(base, 3, 1));

    const [email] = bestOf(await mailTo(subscriber.email));
    expect(email!.subject).toMatch(/Найкраще/);
    expect(email!.body.text).toContain("Ціни на пором знову зросли");
    expect(email!.body.text).not.toContain("Ferry fares rise again");
    expect(email!.body.text).toContain("Harbour wall repaired"); // no Ukrainian version: the original, marked
    expect(email!.body.text).toMatch(/Мова: англійська/);
  });

  it("builds both emails as marketing email: one-click unsubscribe headers, html and text parts, the postal address", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("series-mime"), language: "uk", name: "Олена" });
    const articles = [makeArticle({ topics: ["harbour"] })];
    for (const message of [(await bestOfMessage(subscriber, articles))!, await patronInvitationMessage(subscriber)]) {
      const parsed = await simpleParser(await Email.compose(message));
      const header = (name: string) => parsed.headerLines.find((line) => line.key === name)?.line.replace(/\r?\n\s+/g, " ");
      expect(header("list-unsubscribe")).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1:3000\/unsubscribe\?token=unsubscribe\.[^>]+>$/);
      expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
      expect(parsed.text).toBeTruthy();
      expect(parsed.html).toContain("Олена");
      expect(parsed.text).toMatch(/1 Example Street/);
    }
    expect((await patronInvitationMessage(subscriber)).subject).toMatch(/завдяки читачам/);
  });
});

describe("the subscriber's record", () => {
  it("shows editors each step: sent, skipped with why, or waiting", async () => {
    const base = period();
    const subscriber = await ledgerOnly(base);
    await Series.settle(subscriber.id, "best-of", { status: "skipped", reason: "nothing-to-read" }, later(base, 3).toISOString());

    const page = await dashboardGet(await dashboardCookie(), `/editor/subscribers/${encodeURIComponent(subscriber.email)}`);

    expect(page.status).toBe(200);
    const html = await page.text();
    const section = html.slice(html.indexOf('id="series-heading"'));
    expect(section).toContain("Welcome series");
    expect(section).toMatch(/Welcome<\/th>.*Sent /s);
    expect(section).toMatch(/The best of recent articles<\/th>.*Not sent: nothing to read/s);
    expect(section).toMatch(/Invitation to become a patron<\/th>.*Waiting/s);
  });
});

describe("privacy", () => {
  it("lists the series in the export, and erasure takes it with the subscriber", async () => {
    const base = period();
    const subscriber = await confirmedAt(base);

    const exported = await Privacy.exportData(subscriber.id);
    expect(exported.welcomeSeries.map((step) => [step.step, step.status])).toEqual([
      ["welcome", "sent"],
      ["best-of", "queued"],
      ["patron-invitation", "queued"],
    ]);
    expect(JSON.stringify(exported.welcomeSeries)).not.toMatch(/gsi1|SERIES#/);

    await Privacy.erase(subscriber.id);

    expect(await Series.ofSubscriber(subscriber.id)).toEqual([]);
    expect(await runSeries(later(base, 10, 1))).toMatchObject({ queued: 0 });
  });
});
