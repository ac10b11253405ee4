/** The arithmetic of a digest's delivery counters (core/db/delivery-counts.ts): what a write changes, and the sum. */
import { describe, expect, it } from "vitest";
import { counterUpdate, difference, sum, zero } from "../../../core/db/delivery-counts";
import { deliveryStatuses, type DeliveryStatus } from "../../../core/digests/types";

describe("what a delivery's write does to the counts", () => {
  it("counts a new delivery in its status", () => {
    expect(difference([], ["queued"])).toEqual({ queued: 1 });
    expect(difference([], ["skipped"])).toEqual({ skipped: 1 });
  });

  it("moves a transition from the status left to the status reached", () => {
    expect(difference(["queued"], ["sending"])).toEqual({ queued: -1, sending: 1 });
    expect(difference(["sent"], ["bounced"])).toEqual({ sent: -1, bounced: 1 });
    expect(difference(["sending"], ["queued"])).toEqual({ sending: -1, queued: 1 });
  });

  it("changes nothing when the status stays (a claim taken over), and writes no counter item", () => {
    expect(difference(["sending"], ["sending"])).toEqual({});
    expect(counterUpdate("weekly-2030-W01", difference(["sending"], ["sending"]))).toEqual([]);
  });
});

describe("what a batch write does to the counts", () => {
  it("takes every status left and adds every status reached, and leaves out what nets to zero", () => {
    expect(difference([], ["queued", "queued", "skipped"])).toEqual({ queued: 2, skipped: 1 });
    expect(difference(["queued", "queued", "sent"], ["sending", "sending", "sent"])).toEqual({ queued: -2, sending: 2 });
    expect(difference(["sending", "sending"], ["sending", "sending"])).toEqual({});
    expect(counterUpdate("weekly-2030-W01", difference(["sent"], ["sent"]))).toEqual([]);
  });
});

describe("the counts from the counter items", () => {
  it("are zero for every status without any item", () => {
    expect(sum([])).toEqual(zero());
    expect(Object.keys(zero())).toEqual([...deliveryStatuses]);
  });

  it("sum the shards, each of which may be below zero, ignoring other attributes", () => {
    const items = [
      { pk: "DIGEST#d#COUNT#3", entity: "delivery-count", digestId: "d", queued: 5, sent: -2 },
      { pk: "DIGEST#d#COUNT#9", queued: -3, sending: 1, sent: 4 },
      { pk: "DIGEST#d#COUNT#11", bounced: 1, sent: -1 },
    ];
    expect(sum(items)).toEqual({ ...zero(), queued: 2, sending: 1, sent: 1, bounced: 1 });
  });

  it("replaying a random walk of transitions, shard by random shard, ends at the statuses' tally", () => {
    // 200 deliveries move through random legal transitions; every change lands on a random one of 16 shards.
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const moves: Record<DeliveryStatus, DeliveryStatus[]> = {
      queued: ["sending", "skipped", "suppressed"],
      sending: ["sent", "failed", "queued", "sending", "suppressed"],
      sent: ["bounced", "complained"],
      skipped: [],
      suppressed: [],
      failed: [],
      bounced: [],
      complained: [],
    };
    const shards = Array.from({ length: 16 }, () => ({}) as Record<string, number>);
    const apply = (delta: Partial<Record<DeliveryStatus, number>>) => {
      const shard = shards[Math.floor(next() * shards.length)]!;
      for (const [status, amount] of Object.entries(delta)) shard[status] = (shard[status] ?? 0) + amount!;
    };
    const statuses: DeliveryStatus[] = [];
    for (let i = 0; i < 200; i++) {
      const status: DeliveryStatus = next() < 0.9 ? "queued" : "skipped";
      statuses.push(status);
      apply(difference([], [status]));
    }
    for (let step = 0; step < 2_000; step++) {
      const i = Math.floor(next() * statuses.length);
      const options = moves[statuses[i]!];
      if (options.length === 0) continue;
      const to = options[Math.floor(next() * options.length)]!;
      apply(difference([statuses[i]!], [to]));
      statuses[i] = to;
    }
    const tally = zero();
    for (const status of statuses) tally[status]++;
    expect(sum(shards)).toEqual(tally);
  });
});
