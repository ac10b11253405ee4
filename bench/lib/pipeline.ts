/**
 * One send of Tidings through a fresh local stack: seed, `send`, workers until the digest is `sent`, then check
 * that every reader got exactly one email. Measures the send only (from `send` to the last delivery recorded):
 * wall time, CPU seconds and peak memory of Tidings and of each stand-in, and the AWS requests Tidings made.
 */
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import { drain } from "../../scripts/local-worker";
import * as Requests from "./requests";
import { expectsEmail, seedSubscribers } from "./seed";
import { freshStack, peakRss } from "./setup";
import type { Usage } from "./stack";

export interface PipelineOptions {
  subscribers: number;
  /** Emails per second for the whole send (SES_MAX_SEND_RATE); Infinity: unlimited. */
  rate: number;
  /** In-process send workers (SEND_CONCURRENCY): each polls the queue and handles its batches in turn. */
  workers: number;
}

export interface PipelineResult {
  subscribers: number;
  emails: number;
  skipped: number;
  seconds: number;
  emailsPerSecond: number;
  seedSeconds: number;
  cpuSeconds: { tidings: number; dynamoDb: number; emulators: number };
  peakRssMiB: { tidings: number; dynamoDb: number; emulators: number };
  requests: Requests.Counts;
  checks: { received: number; recipients: number; doubles: number; digestStatus: string };
  /** Recipients left `sending` by a transient SES fault and sent again by the recovery sweep. */
  retried: number;
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const rate = Number.isFinite(options.rate) ? String(options.rate) : "1000000";
  const { stack, digestId } = await freshStack({ SES_MAX_SEND_RATE: rate, SEND_CONCURRENCY: String(options.workers) });
  try {
    let started = performance.now();
    await seedSubscribers(options.subscribers);
    const seedSeconds = (performance.now() - started) / 1000;
    let expected = 0;
    for (let i = 0; i < options.subscribers; i++) if (expectsEmail(i)) expected++;
    console.log(`  seeded ${options.subscribers.toLocaleString("en-US")} subscribers in ${seedSeconds.toFixed(1)} s`);

    Requests.reset();
    const cpu = process.cpuUsage();
    const before = stack.usage();
    const memory = peakRss();
    const progress = setInterval(async () => {
      const { emails } = await stack.mail();
      const elapsed = (performance.now() - started) / 1000;
      console.log(`  ${elapsed.toFixed(0)} s: ${emails.toLocaleString("en-US")} emails (${(emails / elapsed).toFixed(0)}/s)`);
    }, 10_000);
    started = performance.now();
    const sentFrom = Date.now();
    // One bucket for every in-process worker: the whole send is held to SES_MAX_SEND_RATE, as deployed, where
    // each of SEND_CONCURRENCY Lambdas takes its share.
    const bucket = new Delivery.TokenBucket(Number(rate));
    await Delivery.start(digestId);
    await drain({ workers: options.workers, bucket });
    // A transient SES fault (a timeout, a dropped connection) leaves its claim to run out (5 minutes) and the
    // recovery sweep to enqueue it again: run the sweep at once, as if the lease had passed, and count it.
    let retried = 0;
    for (let round = 0; round < 3 && ((await Db.Deliveries.page(digestId, "sending", { limit: 1 })).deliveries.length > 0); round++) {
      const later = () => new Date(Date.now() + Delivery.LEASE_MS + 1000);
      retried += (await Delivery.recover((await Db.Digests.get(digestId))!, later())).requeued;
      await drain({ workers: options.workers, bucket, now: later });
    }
    const finished = performance.now();
    clearInterval(progress);
    const requests = Requests.snapshot();
    const used = process.cpuUsage(cpu);
    const after = stack.usage();
    const tidingsPeak = memory.stop();

    const digest = await Db.Digests.get(digestId);
    const counts = await Db.Deliveries.countByStatus(digestId);
    const mail = await stack.mail();
    // Until the last delivery was recorded: the digest turns `sent` right after it, in the same batch (the
    // workers' last idle polls come later).
    const seconds = digest?.sentAt && !retried ? (Date.parse(digest.sentAt) - sentFrom) / 1000 : (finished - started) / 1000;
    const delta = (key: "dynamoDb" | "emulators") => after[key].cpuSeconds - before[key].cpuSeconds;
    const peak = (usage: Usage) => usage.peakRssMiB;
    if (mail.emails !== expected || mail.doubles > 0 || counts.sent !== expected || digest?.status !== "sent") {
      throw new Error(
        `send incomplete: expected ${expected} emails, SES got ${mail.emails} (${mail.doubles} doubled), ` +
          `${counts.sent} recorded sent, digest ${digest?.status}`,
      );
    }
    return {
      subscribers: options.subscribers,
      emails: counts.sent,
      skipped: counts.skipped,
      seconds,
      emailsPerSecond: counts.sent / seconds,
      seedSeconds,
      cpuSeconds: { tidings: (used.user + used.system) / 1e6, dynamoDb: delta("dynamoDb"), emulators: delta("emulators") },
      peakRssMiB: { tidings: tidingsPeak, dynamoDb: peak(after.dynamoDb), emulators: peak(after.emulators) },
      requests,
      checks: { received: mail.emails, recipients: mail.recipients, doubles: mail.doubles, digestStatus: digest.status },
      retried,
    };
  } finally {
    await stack.stop();
  }
}
