/**
 * Crash safety of sending: a worker that dies at any step leaves records the next attempt finishes. Nobody is
 * lost; the only possible duplicate is a recipient whose email SES had accepted when the worker died.
 * A "crash" here throws out of the worker at that step: nothing after it runs, and the queue message is not
 * deleted, so SQS hands it out again (after a 1 s visibility timeout); the clock is moved past the claim's lease.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import { sendMessages, type QueueMessage } from "../../core/delivery/messages";
import type { Step } from "../../core/delivery/send";
import * as Queue from "../../core/queue";
import type { Subscriber } from "../../core/subscribers";
import { drain } from "../../scripts/local-worker";
import { editor, publish } from "../helpers/editor";
import { expectCountersMatchRecords, recipientsOf, workSendQueue } from "../helpers/deliveries";
import { createDigestWithStory, saveSubscribers } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo } from "../helpers/mail";
import { random } from "../helpers/random";

useLocalStack();

class CrashError extends Error {}

beforeAll(async () => {
  await publish({ climate: "Climate" }, []);
});

/** Sends a new digest to `count` fresh subscribers while `crash` decides where workers die. */
async function sendWithCrashes(count: number, crash: (step: Step, subscriberId: string) => boolean) {
  const subscribers = await saveSubscribers(Array.from({ length: count }, () => ({})));
  const { id: digestId } = await createDigestWithStory({ topics: ["climate"] });
  expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);

  let skew = 0;
  const now = () => new Date(Date.now() + skew);
  const crashed = new Map<string, Step>();
  const work = () =>
    drain({
      workers: 2,
      visibilitySeconds: 1,
      bucket: new Delivery.TokenBucket(1000),
      now,
      after: (step, subscriberId) => {
        if (crashed.has(subscriberId) || !crash(step, subscriberId)) return;
        crashed.set(subscriberId, step);
        skew += Delivery.LEASE_MS + 1000; // by the time the message reappears, the dead worker's claim has expired
        throw new CrashError(`worker died after ${step}`);
      },
    });
  await work();
  // A message received ten times (dead workers, or a slow machine outlasting the 1 s visibility) is in the
  // dead-letter queue: as deployed, the recovery sweep enqueues what it held again.
  for (let sweep = 0; sweep < 5 && (await Db.Digests.get(digestId))?.status === "sending"; sweep++) {
    skew += Delivery.LEASE_MS + 1000;
    await Delivery.recoverAll(now());
    await work();
  }
  return { subscribers, digestId, crashed };
}

async function expectNobodyLost(subscribers: Subscriber[], digestId: string, crashed: Map<string, Step>) {
  for (const subscriber of subscribers) {
    const received = (await mailTo(subscriber.email)).length;
    const inFlight = crashed.get(subscriber.id) === "accepted";
    expect(received, `${subscriber.id} crashed after ${crashed.get(subscriber.id) ?? "nothing"}`).toBe(inFlight ? 2 : 1);
    expect(await Db.Deliveries.get(digestId, subscriber.id)).toMatchObject({ status: "sent", messageId: expect.any(String) });
  }
  // Subscribers of earlier tests in this file are planned too: every planned delivery ends `sent`.
  const counts = await Db.Deliveries.countByStatus(digestId);
  const recipients = Object.values(counts).reduce((sum, n) => sum + n, 0);
  expect(recipients).toBeGreaterThanOrEqual(subscribers.length);
  expect(counts).toMatchObject({ sent: recipients, queued: 0, sending: 0, failed: 0 });
  expect((await Db.Digests.get(digestId))?.status).toBe("sent");
  // Crashes and taken-over claims moved every counter exactly once.
  await expectCountersMatchRecords(digestId);
}

describe("a worker dying while it sends", () => {
  for (const step of ["claim", "render", "accepted", "record"] as const) {
    it(`loses nobody when it dies after ${step}`, async () => {
      let victims = 0;
      const { subscribers, digestId, crashed } = await sendWithCrashes(12, (at) => at === step && victims++ < 3);
      expect(crashed.size).toBe(3);
      await expectNobodyLost(subscribers, digestId, crashed);
    });
  }

  it("loses nobody when it dies at random points", async () => {
    const rng = random(42);
    const { subscribers, digestId, crashed } = await sendWithCrashes(30, () => rng.chance(0.15));
    expect(crashed.size).toBeGreaterThan(0);
    await expectNobodyLost(subscribers, digestId, crashed);
  });
});

describe("impatient editors and duplicate messages", () => {
  it("sends nothing twice when the send is triggered again while it runs and queue messages are duplicated", async () => {
    const subscribers = await saveSubscribers(Array.from({ length: 25 }, () => ({})));
    const { id: digestId } = await createDigestWithStory({ topics: ["climate"] });
    const triggers = await Promise.all(Array.from({ length: 5 }, () => editor("POST", `/api/digests/${digestId}/send`)));
    expect(triggers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    // Work the queue by hand, as workers would, with every message duplicated: each plan and send message is
    // handled by two workers at once, each send message's copy comes back later (after its batch was sent), and the
    // send is triggered again while it runs.
    const bucket = new Delivery.TokenBucket(1000);
    const copies = new Set<string>();
    const batches = new Set<string>();
    const emptied = await workSendQueue(async ({ id, body }) => {
      const message = JSON.parse(body) as QueueMessage;
      if (message.kind === "send" && copies.has(body)) {
        expect(await Delivery.handleRecords([{ id, body }], { bucket })).toEqual([]); // a late copy
        return;
      }
      if (message.kind === "send" && batches.size === 0) expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
      const twins = await Promise.all([1, 2].map(() => Delivery.handleRecords([{ id: `${id}-${Math.random()}`, body }], { bucket })));
      expect(twins).toEqual([[], []]);
      if (message.kind !== "send") return;
      expect(message.digestId).toBe(digestId);
      batches.add(message.batchId);
      copies.add(body);
      await Queue.enqueue([message]);
    });
    expect(emptied).toBe(true);
    // The duplicated messages were the real ones: one per batch holding any of these subscribers.
    const recipients = new Set((await Promise.all([...batches].map((batchId) => recipientsOf({ digestId, batchId })))).flat());
    for (const subscriber of subscribers) expect(recipients.has(subscriber.id), subscriber.id).toBe(true);
    expect((await Db.Digests.get(digestId))?.status).toBe("sent");

    // After it was sent: a copy of every batch's send message again, listed from the table (as a redrive from the
    // dead-letter queue would bring them), the send triggered again, and a recovery sweep.
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await Db.DeliveryBatches.page(digestId, { cursor, consistent: true });
      listed.push(...page.batches.map((batch) => batch.batchId));
      cursor = page.cursor ?? undefined;
    } while (cursor);
    expect(listed.length).toBeGreaterThanOrEqual(batches.size);
    await Queue.enqueue(sendMessages(digestId, listed));
    expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
    await Delivery.recoverAll(new Date(Date.now() + Delivery.LEASE_MS + 1000));
    await drain({ workers: 2, bucket });
    for (const subscriber of subscribers) expect(await mailTo(subscriber.email)).toHaveLength(1);
    // Duplicated plan and send messages, and transitions that lost their race, counted nothing twice.
    await expectCountersMatchRecords(digestId);
  });
});
