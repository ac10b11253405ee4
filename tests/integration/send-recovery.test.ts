/**
 * The recovery sweep after a send message is gone: a worker died on it again and again until SQS moved it to the
 * dead-letter queue. Its recipients before the crash were sent; the one it died on holds an expired claim; those
 * after it are still `queued`, and no message on the queue names them. The sweep (every 5 minutes when deployed)
 * must get every one of them sent, once, and the digest finished.
 */
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import * as Queue from "../../core/queue";
import { drain } from "../../scripts/local-worker";
import { editor, publish } from "../helpers/editor";
import { expectCountersMatchRecords } from "../helpers/deliveries";
import { createDigest, saveSubscribers } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo } from "../helpers/mail";

useLocalStack();

class DiedError extends Error {}

describe("recovering recipients whose send message went to the dead-letter queue", () => {
  it("sends the queued recipients of a lost message once the queue is idle, and finishes the digest", async () => {
    await publish({ housing: "Housing" }, [{ id: "dlq-story", title: "A story", topics: ["housing"] }]);
    const subscribers = await saveSubscribers(Array.from({ length: 40 }, () => ({})));
    const { id: digestId } = await createDigest({ period: "2032-W01" });
    expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);

    // Work the queue by hand: plan messages as usual; the first send message of 3 or more recipients dies at its
    // 2nd recipient, again and again, until SQS drops it (to the dead-letter queue); the others are sent.
    const bucket = new Delivery.TokenBucket(1000);
    let lostMessage: string[] | undefined;
    for (let polls = 0; polls < 100; polls++) {
      const { Messages = [] } = await Queue.sqs().send(
        new ReceiveMessageCommand({ QueueUrl: Queue.queueUrl(), MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        const body = JSON.parse(message.Body!) as { kind: string; subscriberIds?: string[] };
        const dies = !lostMessage && body.kind === "send" && body.subscriberIds!.length >= 3;
        if (dies) lostMessage = body.subscriberIds;
        let claims = 0;
        const failed = await Delivery.handleRecords([{ id: message.MessageId!, body: message.Body! }], {
          bucket,
          inFlight: 1, // one recipient at a time: the 1st is sent when the 2nd dies, and none after it is started
          after: (step) => {
            if (dies && step === "claim" && ++claims === 2) throw new DiedError("died");
          },
        });
        expect(failed).toHaveLength(dies ? 1 : 0);
        await Queue.sqs().send(
          new DeleteMessageCommand({ QueueUrl: Queue.queueUrl(), ReceiptHandle: message.ReceiptHandle! }),
        );
      }
    }
    expect(lostMessage).toBeDefined();
    const before = await Db.Deliveries.countByStatus(digestId);
    expect(before).toMatchObject({ sent: 40 - lostMessage!.length + 1, sending: 1, queued: lostMessage!.length - 2 });

    // The sweep, run after the dead worker's lease ran out; then the workers drain what it enqueued.
    const later = new Date(Date.now() + Delivery.LEASE_MS + 1000);
    await Delivery.recoverAll(later);
    await drain({ workers: 1, bucket, now: () => later });

    for (const subscriber of subscribers) expect(await mailTo(subscriber.email), subscriber.id).toHaveLength(1);
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ sent: 40, sending: 0, queued: 0 });
    expect((await Db.Digests.get(digestId))?.status).toBe("sent");
    await expectCountersMatchRecords(digestId);
  });
});
