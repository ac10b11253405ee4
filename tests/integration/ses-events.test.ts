/**
 * SES feedback against the real local stack: AWS-sample-shaped bounce, complaint and delivery notifications
 * suppress the subscriber before the next send and mark the delivery; replays, unknown types and garbage change
 * nothing; the circuit breaker pauses a send whose bounce or complaint rate passes the limit.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { handleSesEvents, LEASE_SECONDS, SesEventInFlightError } from "../../core/delivery/ses-events";
import type { Subscriber } from "../../core/subscribers";
import { handler } from "../../functions/ses-events";
import { expectCountersMatchRecords, planDeliveries } from "../helpers/deliveries";
import { startDynamoDbProxy } from "../helpers/dynamodb-proxy";
import { saveDigest, saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { aimedAt, sesFixture, snsEvent, snsRecord, type SesFixture } from "../helpers/ses";

useLocalStack();

const id = (prefix: string) => `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 16)}`;

/** A delivery planned `queued` and then moved to `sent`, as the send worker leaves it. */
async function sentDelivery(digestId: string, subscriber: Pick<Subscriber, "id" | "email">) {
  const at = new Date().toISOString();
  await planDeliveries([{
    digestId,
    subscriberId: subscriber.id,
    email: subscriber.email,
    status: "queued",
    variant: "free",
    attempts: 0,
    createdAt: at,
    updatedAt: at,
  }]);
  const sent = await Db.Deliveries.transition(digestId, subscriber.id, { from: ["queued"] }, "sent", {
    messageId: `ses-${randomUUID()}`,
    sentAt: at,
  });
  expect(sent?.status).toBe("sent");
}

/** A reader with a sent delivery of a sending digest: what a bounce or complaint is about. */
async function readerWithDelivery() {
  const subscriber = await saveSubscriber();
  const digest = await saveDigest({ status: "sending" });
  await sentDelivery(digest.id, subscriber);
  return { subscriber, digest };
}

const aimed = (name: SesFixture, subscriber: Subscriber, digestId: string | null) =>
  aimedAt(name, { to: subscriber.email, digestId, subscriberId: subscriber.id });

const status = async (subscriber: Subscriber) => (await Db.Subscribers.get(subscriber.id))!;

/** The `notification-*` fixtures' three recipients, each replaced by the given address. */
function rewrite(message: unknown, addresses: Record<string, string>) {
  let json = JSON.stringify(message);
  for (const [sample, address] of Object.entries(addresses)) json = json.replaceAll(sample, address);
  return JSON.parse(json);
}

describe("permanent bounces", () => {
  it("mark the subscriber bounced, with the reason, and the delivery bounced", async () => {
    const { subscriber, digest } = await readerWithDelivery();

    await handler(snsEvent(aimed("event-bounce-permanent", subscriber, digest.id)));

    expect(await status(subscriber)).toMatchObject({
      status: "bounced",
      suppressedAt: expect.any(String),
      suppressedReason: "permanent bounce: General: smtp; 550 5.1.1 user unknown",
    });
    expect(await Db.Deliveries.get(digest.id, subscriber.id)).toMatchObject({ status: "bounced" });
    const active: string[] = [];
    for await (const s of Db.Subscribers.byStatus("active", "weekly")) active.push(s.id);
    expect(active).not.toContain(subscriber.id);
  });

  it("from transactional email (no digest header) still suppress the subscriber, and touch no delivery", async () => {
    const { subscriber, digest } = await readerWithDelivery();

    await handler(snsEvent(aimed("event-bounce-permanent", subscriber, null)));

    expect((await status(subscriber)).status).toBe("bounced");
    expect((await Db.Deliveries.get(digest.id, subscriber.id))!.status).toBe("sent");
  });

  it("are traced by address when the headers are gone, and by the message tags", async () => {
    const byAddress = await readerWithDelivery();
    const untraced = aimedAt("event-bounce-permanent", { to: byAddress.subscriber.email, digestId: null, subscriberId: null });
    untraced.mail.headers = untraced.mail.headers.filter((h: { name: string }) => !h.name.startsWith("X-Tidings"));
    untraced.mail.headers.push({ name: "X-Tidings-Digest", value: byAddress.digest.id });
    await handler(snsEvent(untraced));
    expect((await status(byAddress.subscriber)).status).toBe("bounced");
    expect((await Db.Deliveries.get(byAddress.digest.id, byAddress.subscriber.id))!.status).toBe("bounced");

    const byTags = await readerWithDelivery();
    const tagged = aimedAt("event-bounce-permanent", { to: "someone-else@example.com" });
    delete tagged.mail.headers;
    tagged.mail.tags["tidings-digest"] = [byTags.digest.id];
    tagged.mail.tags["tidings-delivery"] = [byTags.subscriber.id];
    await handler(snsEvent(tagged));
    expect((await status(byTags.subscriber)).status).toBe("bounced");
    expect((await Db.Deliveries.get(byTags.digest.id, byTags.subscriber.id))!.status).toBe("bounced");
  });

  it("in the older notification form reach every bounced recipient by address, and nobody else", async () => {
    const [jane, mary, richard] = await Promise.all([saveSubscriber(), saveSubscriber(), saveSubscriber()]);
    const message = rewrite(sesFixture("notification-bounce-no-dsn"), {
      "jane@example.com": jane!.email,
      "mary@example.com": mary!.email,
      "richard@example.com": richard!.email,
    });

    await handler(snsEvent(message));

    expect((await status(jane!)).status).toBe("bounced");
    expect((await status(richard!)).status).toBe("bounced");
    expect((await status(mary!)).status).toBe("active");
  });

  it("of an address nobody holds change nothing and don't fail", async () => {
    await expect(handler(snsEvent(aimedAt("event-bounce-permanent", { to: uniqueEmail("stranger"), digestId: null, subscriberId: null })))).resolves.toBeUndefined();
  });
});

describe("transient bounces", () => {
  it("are counted, leave the delivery sent, and the third in a row suppresses", async () => {
    const { subscriber, digest } = await readerWithDelivery();
    const bounce = () => handler(snsEvent(aimed("event-bounce-transient", subscriber, digest.id)));

    await bounce();
    expect(await status(subscriber)).toMatchObject({ status: "active", transientBounces: 1 });
    await bounce();
    expect(await status(subscriber)).toMatchObject({ status: "active", transientBounces: 2 });
    expect((await Db.Deliveries.get(digest.id, subscriber.id))!.status).toBe("sent");
    await bounce();

    expect(await status(subscriber)).toMatchObject({
      status: "bounced",
      transientBounces: 3,
      suppressedReason: "3 transient bounces in a row",
    });
    expect((await Db.Deliveries.get(digest.id, subscriber.id))!.status).toBe("sent");
  });

  it("start again after a delivery: only three in a row count", async () => {
    const { subscriber, digest } = await readerWithDelivery();
    const transient = () => handler(snsEvent(aimed("event-bounce-transient", subscriber, digest.id)));

    await transient();
    await transient();
    await handler(snsEvent(aimed("event-delivery", subscriber, digest.id)));
    expect((await status(subscriber)).transientBounces).toBeUndefined();
    await transient();
    await transient();

    expect(await status(subscriber)).toMatchObject({ status: "active", transientBounces: 2 });
  });

  it("are counted once when SNS delivers the same message twice", async () => {
    const { subscriber, digest } = await readerWithDelivery();
    const record = snsRecord(aimed("event-bounce-transient", subscriber, digest.id));

    await handler({ Records: [record] });
    await handler({ Records: [record] });
    await handler({ Records: [record, record] });

    expect((await status(subscriber)).transientBounces).toBe(1);
  });
});

describe("complaints", () => {
  it("mark the subscriber complained and the delivery complained", async () => {
    const { subscriber, digest } = await readerWithDelivery();

    await handler(snsEvent(aimed("event-complaint", subscriber, digest.id)));

    expect(await status(subscriber)).toMatchObject({ status: "complained", suppressedReason: "complaint (abuse)" });
    expect((await Db.Deliveries.get(digest.id, subscriber.id))!.status).toBe("complained");
  });

  it("in the older notification form reach the complaining recipient by address", async () => {
    const [jane, richard] = await Promise.all([saveSubscriber(), saveSubscriber()]);
    const message = rewrite(sesFixture("notification-complaint"), {
      "jane@example.com": jane!.email,
      "richard@example.com": richard!.email,
    });

    await handler(snsEvent(message));

    expect((await status(richard!)).status).toBe("complained");
    expect((await status(jane!)).status).toBe("active");
  });

  it("outrank a bounce, while the delivery never moves backwards", async () => {
    const { subscriber, digest } = await readerWithDelivery();

    await handler(snsEvent(aimed("event-bounce-permanent", subscriber, digest.id)));
    await handler(snsEvent(aimed("event-complaint", subscriber, digest.id)));
    await handler(snsEvent(aimed("event-delivery", subscriber, digest.id)));

    expect((await status(subscriber)).status).toBe("complained");
    expect((await Db.Deliveries.get(digest.id, subscriber.id))!.status).toBe("bounced");
  });

  it("are not made of a not-spam report", async () => {
    const { subscriber, digest } = await readerWithDelivery();
    const message = aimed("event-complaint", subscriber, digest.id);
    message.complaint.complaintFeedbackType = "not-spam";

    await handler(snsEvent(message));

    expect((await status(subscriber)).status).toBe("active");
  });
});

describe("replays and noise", () => {
  it("a duplicate SNS message changes nothing", async () => {
    const { subscriber, digest } = await readerWithDelivery();
    const record = snsRecord(aimed("event-bounce-permanent", subscriber, digest.id));
    await handler({ Records: [record] });
    const after = await status(subscriber);
    const delivery = await Db.Deliveries.get(digest.id, subscriber.id);

    await handler({ Records: [record] });

    expect(await status(subscriber)).toEqual(after);
    expect(await Db.Deliveries.get(digest.id, subscriber.id)).toEqual(delivery);
  });

  it("unknown event types, the types we don't act on and garbage are harmless, and don't stop the batch", async () => {
    const { subscriber, digest } = await readerWithDelivery();
    const before = await status(subscriber);
    const noise = [
      { ...aimed("event-delivery", subscriber, digest.id), eventType: "Teleport" },
      aimed("event-send", subscriber, digest.id),
      aimed("event-reject", subscriber, digest.id),
      aimed("event-delivery-delay", subscriber, digest.id),
      "{ not json",
      "",
      JSON.stringify({ eventType: "Bounce", bounce: "soon", mail: { messageId: "m" } }),
    ];

    await expect(handleSesEvents(snsEvent(...noise))).resolves.toBeUndefined();
    await expect(handleSesEvents({ Records: [{} as never, { Sns: {} } as never] })).resolves.toBeUndefined();
    expect(await status(subscriber)).toEqual(before);

    await handleSesEvents(snsEvent("garbage", aimed("event-complaint", subscriber, digest.id)));
    expect((await status(subscriber)).status).toBe("complained");
  });

  it("a delivery notification in the older form resets the count", async () => {
    const subscriber = await saveSubscriber({ transientBounces: 2 });
    const message = rewrite(sesFixture("notification-delivery"), { "jane@example.com": subscriber.email });
    message.mail.headers = message.mail.headers.filter((h: { name: string }) => h.name !== "X-Tidings-Delivery");

    await handler(snsEvent(message));

    expect((await status(subscriber)).transientBounces).toBeUndefined();
  });
});

describe("circuit breaker", () => {
  /** A sending digest with `count` sent deliveries and the first `readers` of them to real subscribers. */
  async function sendingDigest(count: number, readers: number) {
    const digest = await saveDigest({ status: "sending" });
    const subscribers = await Promise.all(Array.from({ length: readers }, () => saveSubscriber()));
    const others = Array.from({ length: count - readers }, () => ({ id: id("sub"), email: uniqueEmail("other") }));
    await Promise.all([...subscribers, ...others].map((recipient) => sentDelivery(digest.id, recipient)));
    return { digest, subscribers };
  }

  it("pauses a send whose bounce rate passes 5%, with the reason", async () => {
    const { digest, subscribers } = await sendingDigest(40, 3);

    await handler(snsEvent(...subscribers.map((s) => aimed("event-bounce-permanent", s, digest.id))));

    const paused = await Db.Digests.get(digest.id);
    expect(paused).toMatchObject({ status: "paused", pauseReason: "bounce rate 7.5% passed 5% (3 bounced of 40 sent)" });
    expect(await expectCountersMatchRecords(digest.id)).toMatchObject({ sent: 37, bounced: 3 });
  });

  it("redoes a check that failed: the event fails, and its retry, finding the delivery bounced already, pauses", async () => {
    const { digest, subscribers } = await sendingDigest(40, 3);
    const [first, second, third] = subscribers.map((s) => snsRecord(aimed("event-bounce-permanent", s, digest.id)));
    await handler({ Records: [first!] });
    await handler({ Records: [second!] });
    expect(await Db.Digests.get(digest.id)).toMatchObject({ status: "sending" });

    // The third bounce passes 5%, but the pause's write fails (DynamoDB answers 500 to every UpdateItem, past the
    // SDK's retries): the delivery and its counters moved, the digest did not.
    const proxy = await startDynamoDbProxy({ rate: 1, operations: /^UpdateItem$/, faults: ["500"] });
    try {
      await expect(handler({ Records: [third!] })).rejects.toThrow();
    } finally {
      await proxy.stop();
    }
    expect(await Db.Deliveries.get(digest.id, subscribers[2]!.id)).toMatchObject({ status: "bounced" });
    expect(await Db.Digests.get(digest.id)).toMatchObject({ status: "sending" });

    // Lambda retries the event: the delivery does not move again (nor its counters), and the check is redone.
    await handler({ Records: [third!] });
    expect(await Db.Digests.get(digest.id)).toMatchObject({
      status: "paused",
      pauseReason: "bounce rate 7.5% passed 5% (3 bounced of 40 sent)",
    });
    expect(await expectCountersMatchRecords(digest.id)).toMatchObject({ sent: 37, bounced: 3 });
  });

  it("lets a send under the limit go on", async () => {
    const { digest, subscribers } = await sendingDigest(40, 2);

    await handler(snsEvent(...subscribers.map((s) => aimed("event-bounce-permanent", s, digest.id))));
    for (const s of subscribers) await handler(snsEvent(aimed("event-bounce-transient", s, digest.id)));

    expect(await Db.Digests.get(digest.id)).toMatchObject({ status: "sending" });
    expect(await Db.Deliveries.countByStatus(digest.id)).toMatchObject({ sent: 38, bounced: 2 });
  });

  it("pauses a send whose complaint rate passes 0.1%", async () => {
    const { digest, subscribers } = await sendingDigest(25, 1);

    await handler(snsEvent(aimed("event-complaint", subscribers[0]!, digest.id)));

    expect(await Db.Digests.get(digest.id)).toMatchObject({
      status: "paused",
      pauseReason: "complaint rate 4% passed 0.1% (1 complained of 25 sent)",
    });
    expect(await expectCountersMatchRecords(digest.id)).toMatchObject({ sent: 24, complained: 1 });
  });

  it("waits for a minimum sample before it judges", async () => {
    const { digest, subscribers } = await sendingDigest(10, 2);

    await handler(snsEvent(...subscribers.map((s) => aimed("event-bounce-permanent", s, digest.id))));

    expect(await Db.Digests.get(digest.id)).toMatchObject({ status: "sending" });
  });
});

describe("an invocation killed or timed out mid-message", () => {
  const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

  it("leaves a lease that runs out, so Lambda's retry applies the message (once) instead of skipping it", async () => {
    const { subscriber, digest } = await readerWithDelivery();
    const record = snsRecord(aimed("event-bounce-transient", subscriber, digest.id));
    // What a killed invocation leaves: the claim, never kept, and nothing applied.
    expect(await Db.Events.once("ses", record.Sns.MessageId, LEASE_SECONDS, new Date(Date.now() - LEASE_SECONDS * 1000 - 1000))).toBe(true);

    await handler({ Records: [record] });
    await handler({ Records: [record] });

    expect((await status(subscriber)).transientBounces).toBe(1);
    expect(await Db.Events.processed("ses", record.Sns.MessageId)).toBe(true);
  });

  it("makes a retry that meets a live lease fail (to be retried), changing nothing, then apply after it", async () => {
    const { subscriber, digest } = await readerWithDelivery();
    const record = snsRecord(aimed("event-bounce-permanent", subscriber, digest.id));
    expect(await Db.Events.once("ses", record.Sns.MessageId, LEASE_SECONDS)).toBe(true);

    await expect(handler({ Records: [record] })).rejects.toBeInstanceOf(SesEventInFlightError);
    expect((await status(subscriber)).status).toBe("active");
    expect((await Db.Deliveries.get(digest.id, subscriber.id))!.status).toBe("sent");

    await handleSesEvents({ Records: [record] }, later(LEASE_SECONDS + 1));
    expect((await status(subscriber)).status).toBe("bounced");
    expect((await Db.Deliveries.get(digest.id, subscriber.id))!.status).toBe("bounced");
  });

  it("keeps an applied message for two weeks, not only for the lease", async () => {
    const { subscriber, digest } = await readerWithDelivery();
    const record = snsRecord(aimed("event-bounce-transient", subscriber, digest.id));
    await handler({ Records: [record] });

    await handleSesEvents({ Records: [record] }, later(LEASE_SECONDS * 10));
    expect((await status(subscriber)).transientBounces).toBe(1);
  });
});

describe("processed events (Db.Events.once)", () => {
  it("answers true the first time and false for a duplicate, per source", async () => {
    const eventId = randomUUID();
    expect(await Db.Events.once("ses", eventId, 60)).toBe(true);
    expect(await Db.Events.once("ses", eventId, 60)).toBe(false);
    expect(await Db.Events.once("stripe", eventId, 60)).toBe(true);
  });

  it("takes an expired record as absent (DynamoDB Local never deletes it), and forgets a released one", async () => {
    const eventId = randomUUID();
    const longAgo = new Date(Date.now() - 3_600_000);
    expect(await Db.Events.once("ses", eventId, 60, longAgo)).toBe(true);
    expect(await Db.Events.once("ses", eventId, 60)).toBe(true);
    expect(await Db.Events.once("ses", eventId, 60)).toBe(false);

    await Db.Events.release("ses", eventId);
    expect(await Db.Events.once("ses", eventId, 60)).toBe(true);
  });
});
