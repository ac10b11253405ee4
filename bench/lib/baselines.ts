/**
 * What a newsroom would otherwise run, through the same local stack, on the same subscribers and digest:
 * - **listmonk-like**: subscribers fetched 1,000 at a time, each email rendered in full (listmonk runs the
 *   campaign template per subscriber), sent by 10 workers at 10 messages a second each (listmonk's defaults:
 *   `concurrency` 10, `message_rate` 10, `batch_size` 1000); no record per recipient, so a crash mid-send
 *   cannot tell who already got it.
 * - **naive loop**: for each subscriber, render in full and call SendRawEmail, one after another.
 * Both read the digest's articles and topics once, as Tidings does.
 */
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import type { Digest } from "../../core/digests";
import { TokenBucket } from "../../core/delivery";
import * as Email from "../../core/email";
import * as Render from "../../core/digests/render";
import type { Subscriber } from "../../core/subscribers";
import * as Subscribers from "../../core/subscribers";
import * as Requests from "./requests";
import { peakRss } from "./setup";
import type { BenchStack } from "./stack";

export interface BaselineResult {
  emails: number;
  seconds: number;
  emailsPerSecond: number;
  cpuSeconds: { tidings: number; dynamoDb: number; emulators: number };
  peakRssMiB: number;
  requests: Requests.Counts;
}

async function inputFor(digest: Digest): Promise<Render.PrepareInput> {
  const [articles, topics] = await Promise.all([Db.Articles.many(digest.articleIds), Db.Topics.byStatus()]);
  return { digest, articles, topics, variant: "free", tiers: Config.get().TIERS, outlet: Render.outletFromConfig() };
}

/** The reader's email rendered in full, from scratch; null when they have nothing to read. */
function fullMessage(input: Render.PrepareInput, subscriber: Subscriber): Email.Message | null {
  const copy = Render.renderFull(input, { subscriberId: subscriber.id, name: subscriber.name, topics: subscriber.topics, deliveryId: subscriber.id });
  if (!copy) return null;
  return {
    to: subscriber.name ? { name: subscriber.name, address: subscriber.email } : subscriber.email,
    subject: copy.subject,
    html: copy.html,
    text: copy.text,
    marketing: { unsubscribeUrl: Subscribers.unsubscribeUrl(subscriber.id) },
    headers: { "X-Tidings-Digest": String(input.digest.id), "X-Tidings-Delivery": subscriber.id },
  };
}

/** Measures `run` (which answers the emails it sent): wall time, CPU of every process, requests, peak memory. */
async function measure(stack: BenchStack, run: () => Promise<number>): Promise<BaselineResult> {
  Requests.reset();
  const cpu = process.cpuUsage();
  const before = stack.usage();
  const memory = peakRss();
  const started = performance.now();
  const emails = await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const after = stack.usage();
  return {
    emails,
    seconds,
    emailsPerSecond: emails / seconds,
    cpuSeconds: {
      tidings: (used.user + used.system) / 1e6,
      dynamoDb: after.dynamoDb.cpuSeconds - before.dynamoDb.cpuSeconds,
      emulators: after.emulators.cpuSeconds - before.emulators.cpuSeconds,
    },
    peakRssMiB: memory.stop(),
    requests: Requests.snapshot(),
  };
}

/** listmonk's way: batches of 1,000 subscribers, `workers` senders each held to `perWorker` emails a second. */
export function listmonkLike(stack: BenchStack, digestId: string, workers = 10, perWorker = 10) {
  return measure(stack, async () => {
    const input = await inputFor((await Db.Digests.get(digestId))!);
    const buckets = Array.from({ length: workers }, () => new TokenBucket(perWorker, 1));
    let sent = 0;
    let batch: Subscriber[] = [];
    const flush = async () => {
      let next = 0;
      await Promise.all(
        buckets.map(async (bucket) => {
          while (next < batch.length) {
            const message = fullMessage(input, batch[next++]!);
            if (!message) continue;
            await bucket.take();
            await Email.send(message);
            sent++;
          }
        }),
      );
      batch = [];
    };
    for await (const subscriber of Db.Subscribers.byStatus("active", "weekly")) {
      batch.push(subscriber);
      if (batch.length === 1000) await flush();
    }
    await flush();
    return sent;
  });
}

/** One SendRawEmail per subscriber, rendered in full, one after another; stops after `seconds` (a sample). */
export function naiveLoop(stack: BenchStack, digestId: string, seconds: number) {
  return measure(stack, async () => {
    const input = await inputFor((await Db.Digests.get(digestId))!);
    const until = performance.now() + seconds * 1000;
    let sent = 0;
    for await (const subscriber of Db.Subscribers.byStatus("active", "weekly")) {
      if (performance.now() > until) break;
      const message = fullMessage(input, subscriber);
      if (!message) continue;
      await Email.send(message);
      sent++;
    }
    return sent;
  });
}
