/** The token bucket: paces at its rate; a bounded wait gives up in time instead of queueing behind a backlog. */
import { expect, it } from "vitest";
import { TokenBucket } from "../../../core/delivery/pacing";

/** A bucket on a fake clock whose sleeps move the clock. */
function fakeBucket(ratePerSecond: number) {
  let now = 0;
  const slept: number[] = [];
  const bucket = new TokenBucket(ratePerSecond, 1, () => now, async (ms) => {
    slept.push(ms);
    now += ms;
  });
  return { bucket, slept, now: () => now };
}

it("takes at its rate: the burst at once, then one token a second at 1/s", async () => {
  const { bucket, now } = fakeBucket(1);
  expect(await bucket.take()).toBe(true);
  expect(now()).toBe(0);
  expect(await bucket.take()).toBe(true);
  expect(now()).toBeCloseTo(1000);
  expect(await bucket.take()).toBe(true);
  expect(now()).toBeCloseTo(2000);
});

it("a bounded wait shorter than the next token gives up at once, without sleeping or taking a token", async () => {
  const { bucket, slept } = fakeBucket(0.5); // one token every 2 s
  expect(await bucket.take()).toBe(true);
  expect(await bucket.take(1500)).toBe(false);
  expect(slept).toEqual([]);
  expect(await bucket.take(2500)).toBe(true); // long enough: waits for the token
  expect(slept).toHaveLength(1);
});
