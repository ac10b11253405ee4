/**
 * The recovery sweep after send messages are gone (moved to the dead-letter queue). A send message is one delivery
 * batch: a worker died on it again and again (at its 2nd recipient) until it was dropped; its recipient before the
 * crash was sent, the one it died on is left `sending` with no live claim, those after it are still `queued`. A
 * second batch's message was lost before any worker claimed it: all its recipients are `queued`, and no message on
 * the queue names them. The sweep (every 5 minutes when deployed) must get every one of them sent, once, and the
 * digest finished; queued recipients are enqueued again only once the queue is idle (while it holds anything,
 * they may simply be waiting their turn).
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import type { QueueMessage, SendMessage } from "../../core/delivery/messages";
import * as Queue from "../../core/queue";
import { drain, pending } from "../../scripts/local-worker";
import { editor, publish } from "../helpers/editor";
import { expectCountersMatchRecords, recipientsOf, workSendQueue } from "../helpers/deliveries";
import { createDigest, idsInOneShard, saveSubscribers } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo } from "../helpers/mail";

useLocalStack();

class DiedError extends Error {}

/**
 * Times the dying message is handed out (by SQS, after its visibility timeout) and dies, before it is dropped. The
 * deployed redrive policy allows 10 receives; but each death costs its recipient an attempt (a batch a worker died
 * holding is claimed one recipient at a time), and `MAX_ATTEMPTS` (5) would settle them `failed` and let the message
 * finish first. So the test drops the message itself after 3 deaths, standing in for a drop to the dead-letter queue
 * while the recipient can still be sent.
 */
const DEATHS = 3;

describe("recovering recipients whose send message went to the dead-letter queue", () => {
  it("sends the queued recipients of a lost message once the queue is idle, and finishes the digest", async () => {
    await publish({ housing: "Housing" }, [{ id: "dlq-story", title: "A story", topics: ["housing"] }]);
    // Ten subscribers of one shard fill a batch of ten; thirty more anywhere.
    const subscribers = await saveSubscribers([...idsInOneShard(10).map((id) => ({ id })), ...Array.from({ length: 30 }, () => ({}))]);
    const { id: digestId } = await createDigest({ period: "2032-W01" });
    expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);

    // Work the queue by hand: plan messages as usual; the first send message of 3 or more recipients dies at the
    // render of its 2nd recipient (one recipient in flight: the 1st is sent by then, none after it is started),
    // each time SQS hands it out again (by then the clock has passed any lease the dead worker left), until it is
    // dropped; the first other send message is dropped unworked; the others are sent (one kept, to arrive late).
    const bucket = new Delivery.TokenBucket(1000);
    let skew = 0;
    let dying: { message: SendMessage; recipients: string[]; deaths: number } | undefined;
    let lost: { message: SendMessage; recipients: string[] } | undefined;
    let late: SendMessage | undefined;
    const emptied = await workSendQueue(
      async ({ id, body }) => {
        const message = JSON.parse(body) as QueueMessage;
        if (message.kind === "send" && (!dying || message.batchId === dying.message.batchId)) {
          const recipients = await recipientsOf(message);
          if (!dying && recipients.length >= 3) dying = { message, recipients, deaths: 0 };
          if (dying?.message.batchId === message.batchId) {
            const victim = dying.recipients[1];
            const failed = await Delivery.handleRecords([{ id, body }], {
              bucket,
              inFlight: 1,
              now: () => new Date(Date.now() + skew),
              after: (step, subscriberId) => {
                if (step === "render" && subscriberId === victim) throw new DiedError("died");
              },
            });
            skew += Delivery.LEASE_MS + 1000;
            expect(failed).toEqual([id]);
            return ++dying.deaths < DEATHS ? "keep" : undefined; // kept: SQS hands it out again; else dropped
          }
        }
        if (message.kind === "send" && !lost) {
          lost = { message, recipients: await recipientsOf(message) };
          return; // dropped before any worker claimed its batch
        }
        if (message.kind === "send") late ??= message;
        expect(await Delivery.handleRecords([{ id, body }], { bucket })).toEqual([]);
      },
      { visibilitySeconds: 1 },
    );
    expect(emptied).toBe(true);
    expect(dying?.deaths).toBe(DEATHS);
    expect(lost).toBeDefined();
    expect(late).toBeDefined();
    const [first, victim, ...after] = dying!.recipients;

    // Each death cost an attempt to the recipient it died on, and to nobody else.
    expect(await Db.Deliveries.get(digestId, first!)).toMatchObject({ status: "sent", attempts: 1 });
    expect(await Db.Deliveries.get(digestId, victim!)).toMatchObject({ status: "sending", attempts: DEATHS });
    for (const subscriberId of [...after, ...lost!.recipients]) {
      expect(await Db.Deliveries.get(digestId, subscriberId), subscriberId).toMatchObject({ status: "queued", attempts: 0 });
    }
    const queued = after.length + lost!.recipients.length;
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ sent: 40 - queued - 1, sending: 1, queued });

    // The sweep, run after the dead worker's lease ran out, while the queue still holds a message (a late copy of
    // a sent batch's): the dying batch is enqueued again for its recipient `sending` with no live claim, the lost
    // batch, only `queued`, is not yet.
    const later = new Date(Date.now() + skew + Delivery.LEASE_MS + 1000);
    await Queue.enqueue([late]);
    expect(await Queue.depth()).toBeGreaterThan(0);
    await Delivery.recoverAll(later);
    await drain({ workers: 1, bucket, now: () => later });
    for (const subscriberId of dying!.recipients) {
      expect(await Db.Deliveries.get(digestId, subscriberId), subscriberId).toMatchObject({ status: "sent" });
    }
    for (const subscriberId of lost!.recipients) {
      expect(await Db.Deliveries.get(digestId, subscriberId), subscriberId).toMatchObject({ status: "queued" });
    }
    expect((await Db.Digests.get(digestId))?.status).toBe("sending");

    // The sweep again, the queue idle now: the lost batch is enqueued again and sent.
    expect(await pending()).toBe(0);
    await Delivery.recoverAll(later);
    await drain({ workers: 1, bucket, now: () => later });

    for (const subscriber of subscribers) expect(await mailTo(subscriber.email), subscriber.id).toHaveLength(1);
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ sent: 40, sending: 0, queued: 0 });
    expect(await Db.Deliveries.get(digestId, victim!)).toMatchObject({ status: "sent", attempts: DEATHS + 1 });
    expect((await Db.Digests.get(digestId))?.status).toBe("sent");
    await expectCountersMatchRecords(digestId);
  });
});
