/**
 * A send worker keeps several recipients of its batch in flight (`SEND_IN_FLIGHT`), the batch claimed before and
 * recorded after their SES calls, all paced by the worker's one token bucket. Seen through `helpers/ses-proxy.ts`: the calls really
 * overlap (answers held, the worker keeps as many outstanding as it may and no more), and a burst of messages
 * never gets more calls to SES than the bucket allowed by then, on a clock the test drives (no wall-clock budgets).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import { SEND_IN_FLIGHT } from "../../core/delivery/capacity";
import type { SendMessage } from "../../core/delivery/messages";
import { expectCountersMatchRecords, recipientsOf, workSendQueue } from "../helpers/deliveries";
import { editor, publish } from "../helpers/editor";
import { createDigestWithStory, idsInOneShard, saveSubscribers } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { startSesProxy } from "../helpers/ses-proxy";

useLocalStack();

beforeAll(async () => {
  await publish({ climate: "Climate" }, []);
});

/**
 * Starts a send of a new digest to new subscribers `ids` and plans it, answering the send messages of their batches
 * (kept aside, as those of anyone else) and their recipients.
 */
async function plannedRecipients(ids: readonly string[]): Promise<{ digestId: string; messages: SendMessage[]; recipients: string[] }> {
  await saveSubscribers(ids.map((id) => ({ id })));
  const { id: digestId } = await createDigestWithStory({ topics: ["climate"] });
  expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
  const aside: SendMessage[] = [];
  await workSendQueue(async (message) => {
    const body = JSON.parse(message.body) as { kind: string };
    if (body.kind === "send") aside.push(body as SendMessage);
    else expect(await Delivery.handleRecords([message], { bucket: new Delivery.TokenBucket(1000) })).toEqual([]);
  });
  const theirs = new Set(ids);
  const batches = await Promise.all(aside.map(async (message) => ({ message, recipients: await recipientsOf(message) })));
  const mine = batches.filter((batch) => batch.recipients.every((id) => theirs.has(id)));
  return { digestId, messages: mine.map((batch) => batch.message), recipients: mine.flatMap((batch) => batch.recipients) };
}

/**
 * A clock that moves only when someone sleeps on it: a sleep of `ms` ends at (the time it began) + `ms`, and the
 * clock is then at least there. Concurrent sleepers share one timeline, so a bucket on it allows what its rate
 * allows by that time, and never more however many wait on it at once.
 */
function drivenClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      const until = now + ms;
      await new Promise((resolve) => setImmediate(resolve));
      now = Math.max(now, until);
    },
  };
}

const records = (messages: SendMessage[]) => messages.map((message, i) => ({ id: `burst-${i}`, body: JSON.stringify(message) }));

describe("a send worker with several sends in flight", () => {
  it("keeps as many calls to SES outstanding at once as it has sends in flight, and no more", async () => {
    // Ten subscribers of one shard: one plan page, one batch of ten.
    const { digestId, messages, recipients } = await plannedRecipients(idsInOneShard(10));
    expect(messages).toHaveLength(1);
    expect(recipients).toHaveLength(10);
    const message = messages;
    expect(SEND_IN_FLIGHT).toBeGreaterThanOrEqual(4);
    const proxy = await startSesProxy({ hold: true });
    try {
      const handling = Delivery.handleRecords(records(message), { bucket: new Delivery.TokenBucket(1000), inFlight: 4 });
      await proxy.whenOutstanding(4); // four answers held: four sends waiting on SES at once
      // The next recipient waits for a lane: nothing more reaches SES while the four are held.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(proxy.counts.calls).toBe(4);
      expect(proxy.outstanding).toBe(4);
      proxy.release();
      expect(await handling).toEqual([]);
      expect(proxy.maxOutstanding).toBe(4);
      expect(proxy.counts).toMatchObject({ calls: 10, forwarded: 10, throttled: 0 });
    } finally {
      await proxy.stop();
    }
    // Each sent once and recorded.
    expect(new Set(proxy.calls.map((call) => call.subscriberId)).size).toBe(10);
    for (const subscriberId of recipients) {
      expect(await Db.Deliveries.get(digestId, subscriberId)).toMatchObject({ status: "sent", messageId: expect.any(String) });
    }
    await expectCountersMatchRecords(digestId);
  });

  it("starts no more SES calls over a burst of messages than its bucket allowed by then", async () => {
    const { digestId, messages, recipients } = await plannedRecipients(idsInOneShard(30, 1)); // not the first test's shard
    expect(messages).toHaveLength(3);
    expect(recipients).toHaveLength(30);
    const RATE = 10; // per second, one token of burst
    const clock = drivenClock();
    const bucket = new Delivery.TokenBucket(RATE, 1, clock.now, clock.sleep);
    const proxy = await startSesProxy({ clock: clock.now });
    try {
      // One Lambda batch: three messages of 10, worked by one worker with SEND_IN_FLIGHT recipients in flight.
      expect(await Delivery.handleRecords(records(messages), { bucket })).toEqual([]);
    } finally {
      await proxy.stop();
    }
    const calls = [...proxy.calls].sort((a, b) => a.at - b.at);
    expect(calls).toHaveLength(30);
    // The n-th call came no earlier than the bucket's n-th token: 1 at once, then one every 1/RATE s.
    calls.forEach((call, i) => expect(i + 1, `call ${i + 1} at ${call.at} ms`).toBeLessThanOrEqual(1 + (call.at / 1000) * RATE + 1e-9));
    // And the bucket did hold them back: 30 calls took at least 29 tokens' time.
    expect(clock.now()).toBeGreaterThanOrEqual((29 / RATE) * 1000 - 1e-6);
    expect(new Set(calls.map((call) => call.subscriberId)).size).toBe(30);
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ sent: 30 });
    await expectCountersMatchRecords(digestId);
  });
});
