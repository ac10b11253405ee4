/**
 * A digest's delivery counters (core/db/delivery-counts.ts) against the real local stack: they equal a recount of
 * the delivery records after a send with crashed workers, duplicated queue messages and DynamoDB answers lost after
 * the write landed (the SDK's retry meets its own write); and what reads them, the status route and
 * `tidings digest watch`, costs the same few DynamoDB requests for 50 deliveries as for 500.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { COUNTER_SHARDS } from "../../core/db/keys";
import * as Delivery from "../../core/delivery";
import type { Step } from "../../core/delivery/send";
import type { Delivery as DeliveryRecord } from "../../core/delivery/types";
import { app } from "../../functions/api/app";
import { drain } from "../../scripts/local-worker";
import { connect } from "../../scripts/cli/api";
import { watch } from "../../scripts/cli/watch";
import { expectCountersMatchRecords, planDeliveries } from "../helpers/deliveries";
import { startDynamoDbProxy } from "../helpers/dynamodb-proxy";
import { EDITOR_TOKEN, editor, publish } from "../helpers/editor";
import { createDigestWithStory, saveDigest, saveSubscribers } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo } from "../helpers/mail";
import { random } from "../helpers/random";

useLocalStack();

class CrashError extends Error {}

describe("counters under crashes, duplicates and retries", () => {
  it("equal the delivery records after a send whose workers die, whose messages repeat and whose writes' answers are lost", async () => {
    await publish({ counted: "Counted" }, []);
    const subscribers = await saveSubscribers(Array.from({ length: 30 }, () => ({ topics: ["counted"] })));
    const { id: digestId } = await createDigestWithStory({ topics: ["counted"] });
    // Every 8th transaction's answer is thrown away after DynamoDB applied it: the SDK sends it again.
    const proxy = await startDynamoDbProxy({ rate: 0.12, seed: 16, operations: /^TransactWriteItems$/, faults: ["drop-after"] });
    const crashed = new Map<string, Step>();
    try {
      expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
      const rng = random(16);
      let skew = 0;
      await drain({
        workers: 2,
        visibilitySeconds: 1,
        bucket: new Delivery.TokenBucket(1000),
        now: () => new Date(Date.now() + skew),
        after: (step, subscriberId) => {
          if (crashed.has(subscriberId) || !rng.chance(0.15)) return;
          crashed.set(subscriberId, step);
          skew += Delivery.LEASE_MS + 1000;
          throw new CrashError(`worker died after ${step}`);
        },
      });
      // Every send message again, and a plan message again: all of it already done.
      const ids = subscribers.map((s) => s.id);
      const again = [0, 10, 20].map((start) => ({
        id: `dup-${start}`,
        body: JSON.stringify({ kind: "send", digestId, subscriberIds: ids.slice(start, start + 10) }),
      }));
      again.push({ id: "dup-plan", body: JSON.stringify({ kind: "plan", digestId, shard: 0 }) });
      await Delivery.handleRecords(again, { bucket: new Delivery.TokenBucket(1000) });
    } finally {
      await proxy.stop();
    }
    expect(proxy.counts.injected["drop-after"]).toBeGreaterThan(0);
    expect(crashed.size).toBeGreaterThan(0);

    for (const subscriber of subscribers) {
      const expected = crashed.get(subscriber.id) === "accepted" ? 2 : 1;
      expect((await mailTo(subscriber.email)).length, subscriber.id).toBe(expected);
    }
    const counts = await expectCountersMatchRecords(digestId);
    expect(counts).toMatchObject({ queued: 0, sending: 0, failed: 0 });
    expect(counts.sent).toBeGreaterThanOrEqual(subscribers.length);
    expect((await Db.Digests.get(digestId))?.status).toBe("sent");
  });
});

/** Deliveries written as planning and sending leave them: half sent, some queued, skipped, failed and bounced. */
async function seed(digestId: string, count: number) {
  const at = new Date().toISOString();
  const statuses = ["sent", "sent", "sent", "sent", "sent", "queued", "queued", "skipped", "failed", "bounced"] as const;
  const records = Array.from({ length: count }, (_, i): DeliveryRecord => {
    const subscriberId = `sub_${randomUUID().slice(0, 12)}`;
    return {
      digestId,
      subscriberId,
      email: `${subscriberId}@example.com`,
      status: statuses[i % statuses.length]!,
      variant: "free",
      attempts: 1,
      createdAt: at,
      updatedAt: at,
    };
  });
  await planDeliveries(records);
}

describe("reading the counts", () => {
  let server: ServerType;
  let base: string;
  beforeAll(async () => {
    await new Promise<void>((ready) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => ready());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  /** DynamoDB requests, by operation, that `act` makes. */
  async function requestsOf(act: () => Promise<unknown>) {
    const proxy = await startDynamoDbProxy({ rate: 0 });
    try {
      await act();
    } finally {
      await proxy.stop();
    }
    return { total: proxy.counts.requests, ...proxy.counts.operations };
  }

  it("the status route and a watch poll make the same few requests for 50 deliveries as for 500", async () => {
    const figures: Record<number, { route: Record<string, number>; watch: Record<string, number> }> = {};
    for (const size of [50, 500]) {
      const sending = await saveDigest({ status: "sending" });
      const sent = await saveDigest({ status: "sent", sentAt: new Date().toISOString() });
      await Promise.all([seed(sending.id, size), seed(sent.id, size)]);

      let body: { digest: { counts: Record<string, number> } } | undefined;
      const route = await requestsOf(async () => {
        const response = await editor("GET", `/api/digests/${sending.id}`);
        body = (await response.json()) as typeof body;
      });
      expect(body!.digest.counts).toMatchObject({
        recipients: size,
        sent: size / 2,
        queued: size / 5,
        skipped: size / 10,
        failed: size / 10,
        bounced: size / 10,
      });
      expect(await expectCountersMatchRecords(sending.id)).toMatchObject({ sent: size / 2 });

      // One poll of `tidings digest watch` on a digest that is sent already (so the watch ends after it).
      const lines: string[] = [];
      const print = console.log;
      console.log = (line: string) => void lines.push(line);
      let code: number | undefined;
      const watched = await requestsOf(async () => {
        try {
          code = await watch(connect(base, EDITOR_TOKEN), sent.id, { tty: false });
        } finally {
          console.log = print;
        }
      });
      expect(code).toBe(0);
      expect(lines.join("\n")).toMatch(new RegExp(`${sent.id} sent \\d+/${size} `));
      figures[size] = { route, watch: watched };
    }
    console.log(`requests per status read: ${JSON.stringify(figures)}`);
    expect(figures[500]).toEqual(figures[50]);
    // The editor's network's failed authentications (GetItem: core/editors/authenticate.ts), the digest (GetItem)
    // and its counter items (BatchGetItem, 100 keys each): a handful, whatever the size.
    expect(figures[500]!.route.total).toBeLessThanOrEqual(2 + Math.ceil(COUNTER_SHARDS / 100));
    expect(figures[500]!.route).toMatchObject({ GetItem: 2, BatchGetItem: Math.ceil(COUNTER_SHARDS / 100) });
  });
});
