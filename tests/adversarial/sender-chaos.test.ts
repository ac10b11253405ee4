/**
 * Sending under chaos: a digest to thousands of subscribers while workers are killed at random points, SES (through
 * `helpers/ses-proxy.ts`) throttles 10% of calls and once answers "daily quota exceeded". Nobody is lost; the only
 * recipients with two emails are those whose worker was killed after SES accepted their email and before it was
 * recorded (every kill point is logged); the digest's counts equal its delivery records; nothing is left on the
 * queue or in its dead-letter queue.
 *
 * A kill throws out of the worker at that step (as in tests/integration/send-faults.test.ts): nothing after it runs,
 * and the messages that worker had received are not deleted, so they reappear (after a short visibility timeout);
 * what the dead worker held (its claim, the lease of the recipient it died on) runs out, as after 5 minutes. The
 * clock is not moved then: that would run out the claims of the workers still alive too (it once did, and a live
 * worker's batch was taken over mid-send and sent twice); it moves 5 minutes between drains, before each recovery
 * sweep, when no worker holds a claim. A worker that is not killed keeps its messages hidden
 * for 30 s, longer than any batch takes, so no live claim is ever taken over.
 * Short in `npm test`, 10,000 recipients (a DynamoDB Local of its own) in `npm run test:long`.
 * Seeded: CHAOS_SEED=<n> replays the throttling and the kill draws (which request each falls on depends on timing);
 * CHAOS_KILL_RATE=<share> kills more often (0.06 sends a few messages to the dead-letter queue in the short run).
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
} from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import type { Step } from "../../core/delivery/send";
import * as Queue from "../../core/queue";
import { pending } from "../../scripts/local-worker";
import { deliveriesOf, expectCountersMatchRecords } from "../helpers/deliveries";
import { editor, publish } from "../helpers/editor";
import { saveSubscribers } from "../helpers/factories";
import { useLocalStackWith } from "../helpers/own-dynamodb";
import { random } from "../helpers/random";
import { startSesProxy } from "../helpers/ses-proxy";
import { byRun, LONG } from "./scale";

const stack = useLocalStackWith({ ownDynamoDb: LONG });

const SIZE = byRun(
  { recipients: 250, killRate: Number(process.env.CHAOS_KILL_RATE ?? 0.012), workers: 3 },
  { recipients: 10_000, killRate: 0.004, workers: 4 },
);
const SEED = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : Math.floor(Math.random() * 2 ** 31);

class KilledError extends Error {
  constructor(step: Step) {
    super(`worker killed after ${step}`);
    this.name = "KilledError";
  }
}

interface Kill {
  subscriberId: string;
  step: Step;
}

/**
 * What a dead worker held runs out, as its leases would after 5 minutes: the claim of a batch it died holding
 * (killed right after the claim, before anything was recorded) and the lease of the recipient it died on. Only
 * those: moving the clock instead would run out the claims of the workers still alive too, and have their batches
 * taken over mid-send, which no real lease allows (it outlasts a batch by minutes).
 */
async function leasesRunOut(digestId: string, killed: readonly Kill[]) {
  for (const { subscriberId, step } of killed) {
    const batchId = await Db.DeliveryBatches.batchIdOf(subscriberId, digestId);
    if (!batchId) continue;
    await Db.retryWrite(`running out the leases of ${subscriberId}`, async () => {
      const batch = await Db.DeliveryBatches.read(digestId, batchId);
      const recipient = batch?.recipients[subscriberId];
      if (!batch || !recipient) return;
      const recipients = { ...batch.recipients, [subscriberId]: { ...recipient, ...(recipient.leaseUntil && { leaseUntil: 0 }) } };
      const claim = step === "claim" && batch.leaseUntil ? { leaseUntil: 0 } : {};
      if (!(await Db.DeliveryBatches.write(batch, { ...batch, recipients, ...claim }))) throw new Db.WriteConflictError(batchId);
    });
  }
}

/**
 * Works the send queue with `workers` pollers until it is empty, as Lambda's SQS event source would, killing a
 * worker whenever `kill` says so: its received messages are left to reappear a second later, and what it held runs
 * out (`leasesRunOut`). Kill points, and how often each message came back from a dead worker, are logged.
 */
function killingWorkers(workers: number, kill: (step: Step, subscriberId: string) => boolean) {
  const kills: Kill[] = [];
  const deadReturns = new Map<string, number>();
  const bucket = new Delivery.TokenBucket(2000);
  let passed = 0;
  const now = () => new Date(Date.now() + passed);
  const worker = async () => {
    let dead = false;
    const dying: Kill[] = [];
    const options = {
      bucket,
      now,
      // A short throttling budget (and waits a tenth as long): recipients throttled twice in a row are handed back.
      throttleBudgetMs: 300,
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms / 10)),
      after: (step: Step, subscriberId: string) => {
        if (!kill(step, subscriberId)) return;
        kills.push({ subscriberId, step });
        dying.push({ subscriberId, step });
        dead = true;
        throw new KilledError(step);
      },
    };
    for (;;) {
      const { Messages = [] } = await Queue.sqs().send(
        new ReceiveMessageCommand({
          QueueUrl: Queue.queueUrl(),
          MaxNumberOfMessages: 5,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 30,
        }),
      );
      if (Messages.length === 0) {
        if ((await pending()) === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      // A new worker (Lambda starts another): it works its batch until it is killed; the rest of the batch reappears.
      dead = false;
      for (const message of Messages) {
        const retry = dead
          ? [message.MessageId]
          : await Delivery.handleRecords([{ id: message.MessageId!, body: message.Body ?? "" }], options);
        if (dying.length) await leasesRunOut((JSON.parse(message.Body ?? "{}") as { digestId: string }).digestId, dying.splice(0));
        if (dead) deadReturns.set(message.MessageId!, (deadReturns.get(message.MessageId!) ?? 0) + 1);
        if (retry.length === 0) {
          await Queue.sqs().send(
            new DeleteMessageCommand({ QueueUrl: Queue.queueUrl(), ReceiptHandle: message.ReceiptHandle! }),
          );
        } else {
          // A dead worker's messages (and any that failed) reappear a second later.
          await Queue.sqs().send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: Queue.queueUrl(),
              ReceiptHandle: message.ReceiptHandle!,
              VisibilityTimeout: 1,
            }),
          );
        }
      }
    }
  };
  return {
    kills,
    deadReturns,
    now,
    /**
     * Five minutes pass, between drains only (no worker holds a live claim then): leases of attempts that failed
     * (an SES call that timed out under the load) run out, as they would before the recovery sweep's next run.
     */
    passLeases: () => {
      passed += Delivery.LEASE_MS + 1000;
    },
    drain: () => Promise.all(Array.from({ length: workers }, worker)),
  };
}

async function messagesIn(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await Queue.sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  return Object.values(Attributes).reduce((sum, n) => sum + Number(n), 0);
}

describe("sending while workers die and SES throttles", () => {
  it(`loses nobody, doubles only the recipients in flight at a kill, and counts exactly (seed ${SEED})`, async () => {
    const started = performance.now();
    const rnd = random(SEED);
    await publish({ climate: "Climate" }, [{ id: "chaos-story", title: "A story for everyone", topics: ["climate"] }]);
    // Mostly readers; some paused (planned, skipped) and some unsubscribed (not planned at all).
    const subscribers = await saveSubscribers(
      Array.from({ length: SIZE.recipients }, (_, i) =>
        i % 50 === 7 ? { pausedUntil: "2999-01-01" } : i % 50 === 13 ? { status: "unsubscribed" as const } : {},
      ),
    );
    const eligible = subscribers.filter((s) => s.status === "active" && !s.pausedUntil);
    const paused = subscribers.filter((s) => s.status === "active" && s.pausedUntil);
    const created = await editor("POST", "/api/digests", { frequency: "weekly", period: "2031-W10" });
    expect(created.status).toBe(201);
    const digestId = ((await created.json()) as { digest: { id: string } }).digest.id;

    const proxy = await startSesProxy({
      throttle: 0.1,
      seed: SEED,
      quotaExceededAt: Math.ceil(eligible.length / 2),
      keepRaw: false,
    });
    const killsOf = new Map<string, number>();
    const unseen = new Set<Step>(["claim", "render", "accepted", "record"]); // the first of each step dies for sure
    const workers = killingWorkers(SIZE.workers, (step, subscriberId) => {
      if ((killsOf.get(subscriberId) ?? 0) >= 2 || !(unseen.delete(step) || rnd.chance(SIZE.killRate))) return false;
      killsOf.set(subscriberId, (killsOf.get(subscriberId) ?? 0) + 1);
      return true;
    });
    let sweeps = 0;
    const pauses: string[] = [];
    try {
      expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
      await workers.drain();
      for (let round = 0; round < 8; round++) {
        const digest = await Db.Digests.get(digestId);
        if (digest?.status === "paused") {
          // The quota error paused the send, saying why; the editor sends again once the quota allows.
          pauses.push(digest.pauseReason ?? "");
          expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
        } else if (digest?.status === "sending") {
          // A message that came back from dead workers too often is in the dead-letter queue: the recovery sweep
          // (every 5 minutes when deployed) enqueues its recipients again.
          workers.passLeases();
          await Delivery.recoverAll(workers.now());
          sweeps++;
        } else break;
        await workers.drain();
      }
    } finally {
      await proxy.stop();
    }
    const { kills } = workers;

    // What SES accepted, per recipient: the proxy saw every SendRawEmail call and the emulator's answer.
    const accepted = new Map<string, string[]>();
    for (const call of proxy.calls) {
      if (call.digestId !== digestId || !call.accepted) continue;
      accepted.set(call.subscriberId!, [...(accepted.get(call.subscriberId!) ?? []), call.accepted]);
    }
    const inFlight = new Map<string, number>(); // kills after SES accepted, before the record
    for (const kill of kills)
      if (kill.step === "accepted") inFlight.set(kill.subscriberId, (inFlight.get(kill.subscriberId) ?? 0) + 1);

    const deliveries = await deliveriesOf(digestId);
    const { QueueUrl: deadLetterUrl } = await Queue.sqs().send(
      new GetQueueUrlCommand({ QueueName: `${stack.tableName}-dlq` }),
    );
    // Only messages that came back from a dead worker at every receive the redrive policy allows (10) may be there.
    const deadLettered: string[] = [];
    for (;;) {
      const { Messages = [] } = await Queue.sqs().send(
        new ReceiveMessageCommand({ QueueUrl: deadLetterUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
      );
      if (Messages.length === 0) break;
      deadLettered.push(...Messages.map((m) => m.MessageId!));
    }
    const unexplained = deadLettered.filter((id) => (workers.deadReturns.get(id) ?? 0) < 10);
    const problems: string[] = [];
    for (const subscriber of eligible) {
      const got = accepted.get(subscriber.id) ?? [];
      const expected = 1 + (inFlight.get(subscriber.id) ?? 0);
      if (got.length !== expected) {
        const at = kills.filter((k) => k.subscriberId === subscriber.id).map((k) => k.step);
        problems.push(`${subscriber.id}: ${got.length} emails, expected ${expected} (killed after [${at}])`);
      }
      const delivery = deliveries.get(subscriber.id);
      if (delivery?.status !== "sent" || !got.includes(delivery.messageId ?? "")) {
        problems.push(`${subscriber.id}: delivery ${delivery?.status} ${delivery?.messageId}, SES accepted [${got}]`);
      }
    }
    for (const subscriber of [...paused, ...subscribers.filter((s) => s.status !== "active")]) {
      if (accepted.has(subscriber.id))
        problems.push(`${subscriber.id} (${subscriber.status} ${subscriber.pausedUntil ?? ""}): got an email`);
    }
    for (const subscriber of paused) {
      const delivery = deliveries.get(subscriber.id);
      if (delivery?.status !== "skipped" || delivery.reason !== "paused")
        problems.push(`${subscriber.id}: ${delivery?.status}/${delivery?.reason}, not skipped/paused`);
    }
    expect({ seed: SEED, problems: problems.slice(0, 20), count: problems.length, unexplained }).toEqual({
      seed: SEED,
      problems: [],
      count: 0,
      unexplained: [],
    });

    // The quota error paused the send once, saying why, and lost nobody: its recipient was sent after the resume.
    const quota = proxy.calls.find((call) => call.outcome === "quota");
    expect(quota?.subscriberId).toBeDefined();
    expect(deliveries.get(quota!.subscriberId!)?.status).toBe("sent");
    expect(pauses).toEqual([expect.stringContaining("Daily message quota exceeded")]);

    // The digest's counts are its delivery records', and what was planned.
    const byStatus: Record<string, number> = {};
    for (const delivery of deliveries.values()) byStatus[delivery.status] = (byStatus[delivery.status] ?? 0) + 1;
    const { digest } = (await (await editor("GET", `/api/digests/${digestId}`)).json()) as {
      digest: { status: string; counts: Record<string, number> };
    };
    const { recipients, ...counts } = digest.counts;
    expect(digest.status).toBe("sent");
    expect(recipients).toBe(deliveries.size);
    expect(deliveries.size).toBe(eligible.length + paused.length);
    expect(Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0))).toEqual(byStatus);
    expect(byStatus).toEqual({ sent: eligible.length, skipped: paused.length });
    // The counters (what the status route reads) moved exactly once per transition, through kills and redeliveries.
    await expectCountersMatchRecords(digestId);

    // Nothing left behind: the queue is empty, and nothing went to the dead-letter queue.
    expect(await messagesIn(Queue.queueUrl())).toBe(0);

    // The run really had the cases in it.
    const byStep = Object.fromEntries(
      (["claim", "render", "accepted", "record"] as const).map((step) => [
        step,
        kills.filter((k) => k.step === step).length,
      ]),
    );
    expect(kills.length).toBeGreaterThan(0);
    expect(inFlight.size).toBeGreaterThan(0);
    expect(proxy.counts.throttled).toBeGreaterThan(1);
    const handedBack = [...deliveries.values()].filter((d) => d.attempts > 1).length;
    const doubled = [...accepted.values()].filter((ids) => ids.length > 1).length;
    console.log(
      `sender chaos (seed ${SEED}${LONG ? ", long" : ""}): ${subscribers.length} subscribers, ${eligible.length} sent, ` +
        `${paused.length} skipped; ${kills.length} workers killed (after ${Object.entries(byStep)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}), ` +
        `${doubled} recipients emailed twice, all of them in flight at a kill; SES: ${proxy.counts.calls} calls, ` +
        `${proxy.counts.throttled} throttled (1 quota: paused, resumed); ${handedBack} deliveries took more than one attempt; ` +
        `${deadLettered.length} messages dead-lettered after 10 deaths, ${sweeps} recovery sweeps; ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  });
});
