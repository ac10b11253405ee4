/**
 * Sending at scale and under faults, through the real local stack (DynamoDB Local, fauxqs, the SES emulator, and
 * the SES proxy of `helpers/ses-proxy.ts` where SES should misbehave or what the client sent is checked):
 * - 2,000 subscribers of every status, frequency and mix of topics: each eligible one gets exactly one email with
 *   exactly their articles, everyone else planned has a record saying why, and the counts add up;
 * - SES throttling 10% of calls, and one "daily quota exceeded" mid-send: nobody lost, failed or doubled;
 * - the MIME the SES client actually sent carries the one-click unsubscribe headers, per recipient;
 * - a subscriber who unsubscribes mid-send gets nothing after that.
 * Each test has a table and a queue of its own.
 */
import { randomBytes } from "node:crypto";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { simpleParser } from "mailparser";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as Email from "../../core/email";
import { TokenBucket } from "../../core/delivery";
import * as Subscribers from "../../core/subscribers";
import type { Subscriber } from "../../core/subscribers";
import * as Tokens from "../../core/tokens";
import { drain, pollOnce } from "../../scripts/local-worker";
import { dynamoDbClient, ensureLocalTable, type LocalEnv } from "../../scripts/local-stack";
import { deliveriesOf } from "../helpers/deliveries";
import { editor, publish } from "../helpers/editor";
import { createDigest, saveSubscribers } from "../helpers/factories";
import { request } from "../helpers/http";
import { useLocalEnv, useOwnQueues } from "../helpers/local";
import { mailboxes } from "../helpers/mail";
import { startSesProxy } from "../helpers/ses-proxy";

const TOPICS = { climate: "Climate", housing: "Housing", culture: "Culture", economy: "Economy", sport: "Sport", science: "Science" };
// Sport and science have no article this week. No id is a prefix of another, so URLs cannot be confused.
const ARTICLES = [
  { id: "heatwave-record", title: "Heatwave breaks the record", topics: ["climate"] },
  { id: "rent-cap-vote", title: "The rent cap vote", topics: ["housing"] },
  { id: "flood-zoning", title: "Building on flood plains", topics: ["housing", "climate"] },
  { id: "film-festival", title: "The film festival opens", topics: ["culture"] },
  { id: "port-jobs", title: "Jobs at the port", topics: ["economy"] },
  { id: "museum-budget", title: "The museum's budget", topics: ["economy", "culture"] },
];
const TOPIC_CHOICES = [[], ["climate"], ["housing"], ["culture", "climate"], ["sport"], ["sport", "science"], ["economy"], ["housing", "sport"], ["science"]];

/** Pacing fast enough that tests are not held to the account's 14 emails a second. */
const fastBucket = () => new TokenBucket(2000);
const today = () => new Date().toISOString().slice(0, 10);

let env: LocalEnv;
let table: string | undefined;

beforeAll(() => {
  env = useLocalEnv();
});

// Each scenario gets a table and a queue of its own: planning pages every active subscriber in the table.
beforeEach(async () => {
  table = `tidings-test-${randomBytes(6).toString("hex")}`;
  await ensureLocalTable(env, table);
  process.env.TABLE_NAME = table;
  await useOwnQueues(env, table);
  Config.reset();
});

afterEach(async () => {
  const client = dynamoDbClient(env);
  try {
    await client.send(new DeleteTableCommand({ TableName: table }));
  } finally {
    client.destroy();
  }
});

async function digestWithCounts(digestId: string) {
  const response = await editor("GET", `/api/digests/${digestId}`);
  return ((await response.json()) as { digest: { status: string; pauseReason?: string; counts: Record<string, number> } }).digest;
}

/** The articles a subscriber should read (all when they follow no topic). */
const expectedArticles = (subscriber: Pick<Subscriber, "topics">) =>
  ARTICLES.filter((a) => subscriber.topics.length === 0 || a.topics.some((t) => subscriber.topics.includes(t))).map((a) => a.id);

/** The article ids an email links to, from its text part. */
const linkedArticles = (text = "") =>
  [...new Set([...text.matchAll(/https:\/\/news\.example\.org\/([\w-]+)/g)].map((m) => m[1]!))].sort();

/** The one-click unsubscribe a mail client makes (RFC 8058): a form POST to the List-Unsubscribe URL. */
async function oneClickUnsubscribe(url: string) {
  const { pathname, search } = new URL(url);
  const response = await request(`${pathname}${search}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
  expect(response.status).toBe(200);
}

/** Subscriber `i` of the 2,000: mostly active weekly readers, with every status, frequency, pause and topic mix. */
function mixedSubscriber(i: number): Partial<Subscriber> {
  const statuses = { 1: "unsubscribed", 2: "bounced", 3: "complained", 4: "pending" } as const;
  return {
    status: statuses[(i % 40) as keyof typeof statuses] ?? "active",
    frequency: i % 7 === 0 ? "daily" : "weekly",
    topics: TOPIC_CHOICES[i % TOPIC_CHOICES.length]!,
    // Paused until far ahead, or a pause that has ended (they read again).
    pausedUntil: i % 17 === 5 ? "2999-01-01" : i % 17 === 9 ? "2000-01-01" : undefined,
    ...(i % 10 === 3 && { name: `Reader ${i}` }),
  };
}

describe("sending under SES faults", () => {
  it("answers with SES's own throttling errors, which the SES client raises as throttling", async () => {
    const proxy = await startSesProxy({ throttle: 1, quotaExceededAt: 2 });
    const email = { to: "throttled@example.com", subject: "Hello", html: "<p>Hello</p>", text: "Hello" };
    try {
      const rate = await Email.send(email).catch((error: unknown) => error);
      const quota = await Email.send(email).catch((error: unknown) => error);
      expect(rate).toMatchObject({ name: "Throttling", message: "Maximum sending rate exceeded.", $metadata: { httpStatusCode: 400 } });
      expect(quota).toMatchObject({ name: "Throttling", message: "Daily message quota exceeded." });
      expect(Email.isThrottled(rate)).toBe(true);
      expect(Email.isThrottled(quota)).toBe(true);
      expect(proxy.counts).toEqual({ calls: 2, forwarded: 0, throttled: 2 });
      expect(proxy.calls.map((call) => call.outcome)).toEqual(["throttled", "quota"]);
      expect(proxy.calls[0]!.raw.toString()).toContain("To: throttled@example.com");
    } finally {
      await proxy.stop();
    }
  });

  it("waits out SES throttling 10% of calls: nobody lost, nobody failed, nobody doubled", async () => {
    await publish(TOPICS, ARTICLES);
    const subscribers = await saveSubscribers(Array.from({ length: 200 }, (_, i) => ({ topics: TOPIC_CHOICES[i % 4]! })));
    const { id: digestId } = await createDigest({ period: "2030-W41" });
    const since = Date.now();

    const proxy = await startSesProxy({ throttle: 0.1, seed: 41 });
    try {
      expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
      // A short budget: a recipient throttled twice in a row is handed back to the queue (5 s later).
      await drain({ workers: 2, bucket: fastBucket(), throttleBudgetMs: 300, sleep: (ms) => new Promise((r) => setTimeout(r, ms / 10)) });
    } finally {
      await proxy.stop();
    }

    expect(proxy.counts.throttled).toBeGreaterThan(0);
    expect(proxy.counts.forwarded).toBe(subscribers.length);
    const [mail, deliveries] = await Promise.all([mailboxes(since), deliveriesOf(digestId)]);
    for (const subscriber of subscribers) {
      expect(mail.get(subscriber.email)?.length ?? 0, subscriber.id).toBe(1);
      expect(deliveries.get(subscriber.id)?.status, subscriber.id).toBe("sent");
    }
    const digest = await digestWithCounts(digestId);
    expect(digest.status).toBe("sent");
    expect(digest.counts).toMatchObject({ recipients: subscribers.length, sent: subscribers.length, failed: 0 });
    // A handback is not an attempt (attempts stay 1), so recipients tried again are told by their calls at SES.
    const calledAgain = new Set(proxy.calls.filter((call) => call.outcome === "throttled").map((call) => call.subscriberId)).size;
    console.log(`throttling: ${proxy.counts.calls} SendRawEmail calls, ${proxy.counts.throttled} throttled, ${calledAgain} recipients called again`);
  }, 90_000);

  it("pauses the send when the daily quota is exceeded (saying why), and resumed it loses nobody and doubles nobody", async () => {
    await publish(TOPICS, ARTICLES);
    const subscribers = await saveSubscribers(Array.from({ length: 60 }, () => ({ topics: [] })));
    const { id: digestId } = await createDigest({ period: "2030-W42" });
    const since = Date.now();

    const proxy = await startSesProxy({ quotaExceededAt: 25 });
    try {
      expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
      await drain({ workers: 2, bucket: fastBucket() });
      // Not handed back every few seconds until the quota frees up (hours): paused, with the reason.
      const paused = await digestWithCounts(digestId);
      expect(paused).toMatchObject({ status: "paused", pauseReason: expect.stringContaining("Daily message quota exceeded") });
      expect(paused.counts.sent).toBeLessThan(subscribers.length);
      expect(proxy.counts.calls).toBeLessThanOrEqual((paused.counts.sent ?? 0) + 2); // the refused call, and one in flight
      // The editor sends again once the quota allows: the rest go out.
      expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
      await drain({ workers: 2, bucket: fastBucket() });
    } finally {
      await proxy.stop();
    }

    expect(proxy.counts).toEqual({ calls: subscribers.length + 1, forwarded: subscribers.length, throttled: 1 });
    const refused = await simpleParser(proxy.calls.find((call) => call.outcome === "quota")!.raw);
    const refusedId = refused.headers.get("x-tidings-delivery");
    const [mail, deliveries] = await Promise.all([mailboxes(since), deliveriesOf(digestId)]);
    for (const subscriber of subscribers) {
      expect(mail.get(subscriber.email)?.length ?? 0, subscriber.id).toBe(1);
      expect(deliveries.get(subscriber.id)?.status, subscriber.id).toBe("sent");
    }
    // The refused recipient was handed back and sent after the resume: called at SES twice (refused, then
    // accepted). A handback is not an attempt (the claim's attempt is given back, by design since deliveries are
    // kept in batches), so their one counted attempt is the one that sent them.
    expect(proxy.calls.filter((call) => call.subscriberId === String(refusedId)).map((call) => call.outcome)).toEqual(["quota", "forwarded"]);
    expect(deliveries.get(String(refusedId))).toMatchObject({ status: "sent", attempts: 1 });
    const digest = await digestWithCounts(digestId);
    expect(digest.status).toBe("sent");
    expect(digest.counts).toMatchObject({ recipients: subscribers.length, sent: subscribers.length, failed: 0 });
  }, 60_000);
});

describe("what the SES client sends", () => {
  it("gives each recipient their own one-click List-Unsubscribe (HTTPS) and List-Unsubscribe-Post, trace headers, html and text", async () => {
    const publicUrl = process.env.PUBLIC_URL;
    process.env.PUBLIC_URL = "https://tidings.example.net";
    Config.reset();
    const proxy = await startSesProxy();
    try {
      await publish(TOPICS, ARTICLES);
      const subscribers = await saveSubscribers([
        { topics: [] },
        { topics: ["climate"], name: "Zoë Ångström" },
        { topics: ["culture", "economy"] },
        { topics: ["housing"], name: "Sam O'Neil" },
      ]);
      const { id: digestId } = await createDigest({ period: "2030-W43" });
      expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
      await drain({ workers: 2, bucket: fastBucket() });
      expect(proxy.counts.forwarded).toBe(subscribers.length);

      const seen = new Set<string>();
      for (const raw of proxy.forwarded()) {
        const parsed = await simpleParser(raw);
        const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
        const subscriber = subscribers.find((s) => s.email === to?.value[0]?.address)!;
        expect(subscriber).toBeDefined();
        seen.add(subscriber.id);

        const header = (name: string) => parsed.headerLines.find((line) => line.key === name)?.line.replace(/^[^:]+:\s*/, "").replace(/\r?\n\s+/g, " ");
        const unsubscribe = header("list-unsubscribe")?.match(/^<([^>]+)>/)?.[1];
        expect(unsubscribe, "List-Unsubscribe").toBeDefined();
        const url = new URL(unsubscribe!);
        expect(url.protocol).toBe("https:");
        expect(url.origin + url.pathname).toBe("https://tidings.example.net/unsubscribe");
        expect(Tokens.verify(url.searchParams.get("token"), "unsubscribe")).toMatchObject({ subject: subscriber.id });
        expect(unsubscribe).toBe(Subscribers.unsubscribeUrl(subscriber.id));
        expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
        expect(header("x-tidings-digest")).toBe(digestId);
        expect(header("x-tidings-delivery")).toBe(subscriber.id);
        expect(parsed.headers.get("content-type")).toMatchObject({ value: "multipart/alternative" });
        expect(parsed.html).toEqual(expect.stringContaining("<html"));
        expect(linkedArticles(parsed.text)).toEqual(expectedArticles(subscriber).sort());
        if (subscriber.name) expect(to?.value[0]?.name).toBe(subscriber.name);
      }
      expect(seen.size).toBe(subscribers.length);

      // The header's URL works as RFC 8058 one-click: the reader is unsubscribed.
      await oneClickUnsubscribe(Subscribers.unsubscribeUrl(subscribers[0]!.id));
      expect((await Db.Subscribers.get(subscribers[0]!.id))?.status).toBe("unsubscribed");
    } finally {
      await proxy.stop();
      process.env.PUBLIC_URL = publicUrl;
      Config.reset();
    }
  });
});

describe("unsubscribing mid-send", () => {
  it("sends nothing more to a subscriber who unsubscribes while the digest is sending", async () => {
    await publish(TOPICS, ARTICLES);
    const subscribers = await saveSubscribers(Array.from({ length: 80 }, () => ({ topics: [] })));
    const { id: digestId } = await createDigest({ period: "2030-W44" });
    const since = Date.now();
    const bucket = fastBucket();

    expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
    // Work the queue a batch at a time until the first emails are out: everyone is planned by then or soon after.
    for (let polls = 0; (await digestWithCounts(digestId)).counts.sent === 0; polls++) {
      expect(polls).toBeLessThan(50);
      await pollOnce({ bucket, waitSeconds: 0 });
    }
    const before = await deliveriesOf(digestId);
    const sentAlready = subscribers.filter((s) => before.get(s.id)?.status === "sent");
    const stillQueued = subscribers.filter((s) => before.get(s.id)?.status === "queued");
    expect(stillQueued.length).toBeGreaterThanOrEqual(10);
    // Five leave before their email goes out, one after it went out.
    const leftBefore = new Set(stillQueued.slice(0, 5));
    for (const subscriber of [...leftBefore, sentAlready[0]!]) await oneClickUnsubscribe(Subscribers.unsubscribeUrl(subscriber.id));

    await drain({ workers: 2, bucket });

    const [mail, deliveries] = await Promise.all([mailboxes(since), deliveriesOf(digestId)]);
    for (const subscriber of subscribers) {
      const received = mail.get(subscriber.email)?.length ?? 0;
      const delivery = deliveries.get(subscriber.id);
      if (leftBefore.has(subscriber)) {
        expect(received, subscriber.id).toBe(0);
        expect(delivery).toMatchObject({ status: "suppressed", reason: "unsubscribed" });
      } else {
        // Everyone else, including the one who left after their email went out, got exactly one.
        expect(received, subscriber.id).toBe(1);
        expect(delivery?.status).toBe("sent");
      }
    }
    const digest = await digestWithCounts(digestId);
    expect(digest.status).toBe("sent");
    expect(digest.counts).toMatchObject({ recipients: subscribers.length, sent: subscribers.length - 5, suppressed: 5 });
  }, 60_000);
});

describe("sending a digest at scale", () => {
  it("sends 2,000 subscribers one email each with exactly their articles, and says why the others got none", async () => {
    await publish(TOPICS, ARTICLES);
    let started = performance.now();
    const subscribers = await saveSubscribers(Array.from({ length: 2000 }, (_, i) => mixedSubscriber(i)));
    const arrangeMs = performance.now() - started;
    const { id: digestId } = await createDigest({ period: "2030-W40" });
    const since = Date.now();

    started = performance.now();
    expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
    await drain({ workers: 4, bucket: fastBucket() });
    const sendMs = performance.now() - started;

    started = performance.now();
    const [mail, deliveries] = await Promise.all([mailboxes(since), deliveriesOf(digestId)]);
    const planned = subscribers.filter((s) => s.status === "active" && s.frequency === "weekly");
    const paused = (s: Subscriber) => Boolean(s.pausedUntil && s.pausedUntil >= today());
    const eligible = planned.filter((s) => !paused(s) && expectedArticles(s).length > 0);
    const [isPlanned, isEligible] = [new Set(planned), new Set(eligible)];
    const problems: string[] = [];
    for (const subscriber of subscribers) {
      const received = mail.get(subscriber.email) ?? [];
      const delivery = deliveries.get(subscriber.id);
      const why = `${subscriber.id} (${subscriber.status} ${subscriber.frequency} [${subscriber.topics}] ${subscriber.pausedUntil ?? ""})`;
      if (!isPlanned.has(subscriber)) {
        if (delivery) problems.push(`${why}: has a ${delivery.status} record`);
        if (received.length) problems.push(`${why}: received ${received.length}`);
      } else if (!isEligible.has(subscriber)) {
        const reason = paused(subscriber) ? "paused" : "nothing_to_read";
        if (delivery?.status !== "skipped" || delivery.reason !== reason) problems.push(`${why}: ${delivery?.status}/${delivery?.reason}, not skipped/${reason}`);
        if (received.length) problems.push(`${why}: received ${received.length}`);
      } else {
        if (received.length !== 1) problems.push(`${why}: received ${received.length}`);
        if (delivery?.status !== "sent" || delivery.messageId !== received[0]?.messageId) problems.push(`${why}: delivery ${delivery?.status} ${delivery?.messageId}`);
        const articles = linkedArticles(received[0]?.body.text);
        if (articles.join() !== expectedArticles(subscriber).sort().join()) problems.push(`${why}: read [${articles}]`);
      }
    }
    expect(problems).toEqual([]);

    const digest = await digestWithCounts(digestId);
    const { recipients, ...byStatus } = digest.counts;
    expect(digest.status).toBe("sent");
    expect(recipients).toBe(planned.length);
    expect(Object.values(byStatus).reduce((a, b) => a + b, 0)).toBe(recipients);
    expect(byStatus).toMatchObject({ sent: eligible.length, skipped: planned.length - eligible.length, failed: 0, queued: 0, sending: 0 });
    // The mix really has every case in it.
    expect(planned.length - eligible.length).toBeGreaterThan(100);
    expect(subscribers.length - planned.length).toBeGreaterThan(300);
    const checkMs = performance.now() - started;
    console.log(
      `2,000 subscribers: saved in ${(arrangeMs / 1000).toFixed(1)} s; ${eligible.length} emails sent and ` +
        `${planned.length - eligible.length} skipped in ${(sendMs / 1000).toFixed(1)} s ` +
        `(${((eligible.length / sendMs) * 1000).toFixed(0)} emails/s, 4 workers); checked in ${(checkMs / 1000).toFixed(1)} s`,
    );
  }, 120_000);
});
