/**
 * Retrying a write (core/db/retry.ts) without a table: attempts that throw errors shaped like the SDK's, and a sleep
 * that records its waits instead of waiting.
 */
import { describe, expect, it } from "vitest";
import { WriteConflictError, isConditionFailure, isRace, isTransient } from "../../../core/db/errors";
import { MAX_ATTEMPTS, RetriesExhaustedError, retryWrite, untilProcessed } from "../../../core/db/retry";

const sdkError = (name: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...fields });
const cancelled = (...codes: string[]) =>
  sdkError("TransactionCanceledException", { CancellationReasons: codes.map((Code) => ({ Code })) });

const RACES = {
  "a failed condition": sdkError("ConditionalCheckFailedException"),
  "a transaction conflict": sdkError("TransactionConflictException"),
  "a transaction cancelled by a failed condition": cancelled("None", "ConditionalCheckFailed"),
  "a transaction cancelled by a conflict": cancelled("TransactionConflict", "None"),
  "a transaction cancelled without reasons": sdkError("TransactionCanceledException"),
  "a WriteConflictError": new WriteConflictError("subscriber sub_1"),
};
const TRANSIENT = {
  "a transaction cancelled by throttling": cancelled("None", "ThrottlingError"),
  "a transaction cancelled by provisioned throughput": cancelled("ProvisionedThroughputExceeded", "None"),
  "provisioned throughput exceeded": sdkError("ProvisionedThroughputExceededException"),
  "throttling": sdkError("ThrottlingException"),
  "the account's request limit": sdkError("RequestLimitExceeded"),
  "a 500": sdkError("InternalServerError", { $metadata: { httpStatusCode: 500 } }),
  "a 503 of any name": sdkError("UnknownError", { $metadata: { httpStatusCode: 503 } }),
  "a timeout": sdkError("TimeoutError"),
  "a reset connection": Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
  "an error the SDK marks retryable": sdkError("Whatever", { $retryable: {} }),
};
const OTHERS = {
  "a validation error": sdkError("ValidationException", { $metadata: { httpStatusCode: 400 } }),
  "a transaction cancelled by a validation error": cancelled("ValidationError"),
  "a missing table": sdkError("ResourceNotFoundException"),
  "a plain bug": new TypeError("x is undefined"),
};

/** A sleep that records what it was asked to wait, and a retryWrite that uses it. */
function recorder() {
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  return { waits, run: <T>(attempt: (n: number) => Promise<T>, random?: () => number) => retryWrite("saving sub_1", attempt, { sleep, random }) };
}

/** An attempt that reads (counted) then fails with each of `errors` in turn, and succeeds after them. */
function failing(...errors: unknown[]) {
  const reads: number[] = [];
  const attempt = async (n: number) => {
    reads.push(n);
    if (n <= errors.length) throw errors[n - 1];
    return "written";
  };
  return { reads, attempt };
}

describe("telling DynamoDB's errors apart", () => {
  it.each(Object.entries(RACES))("%s is a race", (_, error) => {
    expect([isRace(error), isTransient(error)]).toEqual([true, false]);
  });
  it.each(Object.entries(TRANSIENT))("%s is transient, not a race", (_, error) => {
    expect([isRace(error), isTransient(error)]).toEqual([false, true]);
  });
  it.each(Object.entries(OTHERS))("%s is neither", (_, error) => {
    expect([isRace(error), isTransient(error)]).toEqual([false, false]);
  });

  it("reads a transaction cancelled by throttling as no failed condition", () => {
    expect(isConditionFailure(cancelled("None", "ThrottlingError"))).toBe(false);
    expect(isConditionFailure(cancelled("TransactionConflict"))).toBe(false);
    expect(isConditionFailure(cancelled("None", "ConditionalCheckFailed"))).toBe(true);
    expect(isConditionFailure(sdkError("ConditionalCheckFailedException"))).toBe(true);
  });
});

describe("retryWrite", () => {
  it("resolves with the first attempt's result when it succeeds, without waiting", async () => {
    const { waits, run } = recorder();
    const { reads, attempt } = failing();
    expect(await run(attempt)).toBe("written");
    expect({ reads, waits }).toEqual({ reads: [1], waits: [] });
  });

  it.each(Object.entries(RACES))("after %s, reads and decides again", async (_, error) => {
    const { waits, run } = recorder();
    const { reads, attempt } = failing(error, error);
    expect(await run(attempt)).toBe("written");
    expect(reads).toEqual([1, 2, 3]);
    expect(waits).toHaveLength(2);
  });

  it.each(Object.entries(TRANSIENT))("after %s, backs off and tries again", async (_, error) => {
    const { waits, run } = recorder();
    const { reads, attempt } = failing(error);
    expect(await run(attempt)).toBe("written");
    expect(reads).toEqual([1, 2]);
    expect(waits).toHaveLength(1);
  });

  it.each(Object.entries(OTHERS))("throws %s at once", async (_, error) => {
    const { waits, run } = recorder();
    const { reads, attempt } = failing(error);
    await expect(run(attempt)).rejects.toBe(error);
    expect({ reads, waits }).toEqual({ reads: [1], waits: [] });
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts with an error that names the operation and keeps the last failure`, async () => {
    const { waits, run } = recorder();
    const last = cancelled("None", "ThrottlingError");
    const { reads, attempt } = failing(...Array.from({ length: MAX_ATTEMPTS - 1 }, () => sdkError("ConditionalCheckFailedException")), last);
    const error = await run(attempt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as Error).message).toMatch(new RegExp(`^saving sub_1: gave up after ${MAX_ATTEMPTS} attempts .*TransactionCanceledException`));
    expect((error as Error).cause).toBe(last);
    expect(reads).toHaveLength(MAX_ATTEMPTS);
    expect(waits).toHaveLength(MAX_ATTEMPTS - 1);
  });

  it("waits a random share (full jitter) of a window that doubles up to a ceiling", async () => {
    const race = sdkError("ConditionalCheckFailedException");
    const throttled = sdkError("ThrottlingException");
    /** The waits between `MAX_ATTEMPTS` attempts that all fail with `error`. */
    const waitsAfter = async (error: unknown, random?: () => number) => {
      const { waits, run } = recorder();
      await run(() => Promise.reject(error), random).catch(() => undefined);
      return waits;
    };
    const raceWindows = await waitsAfter(race, () => 1);
    const transientWindows = await waitsAfter(throttled, () => 1);
    for (const windows of [raceWindows, transientWindows]) {
      expect(windows).toHaveLength(MAX_ATTEMPTS - 1);
      for (let i = 1; i < windows.length; i++) expect(windows[i]!).toBeGreaterThanOrEqual(windows[i - 1]!); // grows…
      expect(Math.max(...windows)).toBeLessThanOrEqual(2_000); // …to a ceiling: no caller waits long
    }
    expect(raceWindows[0]!).toBeLessThan(transientWindows[0]!); // another writer is done sooner than throttling
    expect(raceWindows.at(-1)).toBe(1_000);
    expect(transientWindows.at(-1)).toBe(2_000);

    // The wait is the random share of its window: none at 0, half at 0.5; with Math.random, never twice the same.
    expect(await waitsAfter(race, () => 0)).toEqual(raceWindows.map(() => 0));
    expect(await waitsAfter(race, () => 0.5)).toEqual(raceWindows.map((window) => window / 2));
    const jittered = await waitsAfter(throttled);
    expect(new Set(jittered).size).toBe(jittered.length);
    jittered.forEach((ms, i) => expect(ms).toBeLessThan(transientWindows[i]!));
  });
});

describe("untilProcessed", () => {
  it("sends again only what was left unprocessed, waiting between, until nothing is left", async () => {
    const waits: number[] = [];
    const sent: number[][] = [];
    await untilProcessed("deleting 5 items", [1, 2, 3, 4, 5], async (requests) => {
      sent.push([...requests]);
      return requests.slice(0, requests.length - 2); // DynamoDB took two
    }, { sleep: async (ms) => void waits.push(ms) });
    expect(sent).toEqual([[1, 2, 3, 4, 5], [1, 2, 3], [1]]);
    expect(waits).toHaveLength(2);
  });

  it("sends nothing for no requests", async () => {
    let calls = 0;
    await untilProcessed("deleting 0 items", [], async () => (calls++, []));
    expect(calls).toBe(0);
  });

  it("retries a thrown transient fault with what was left, and throws anything else at once", async () => {
    const sent: number[][] = [];
    const faults = [sdkError("ProvisionedThroughputExceededException")];
    await untilProcessed("deleting 2 items", [1, 2], async (requests) => {
      sent.push([...requests]);
      if (faults.length) throw faults.shift();
      return [];
    }, { sleep: async () => undefined });
    expect(sent).toEqual([[1, 2], [1, 2]]);
    const bug = sdkError("ValidationException");
    await expect(untilProcessed("deleting 1 item", [1], async () => Promise.reject(bug), { sleep: async () => undefined })).rejects.toBe(bug);
  });

  it(`gives up after ${MAX_ATTEMPTS} sends that leave items, naming the operation`, async () => {
    let sends = 0;
    const error = await untilProcessed("deleting sessions of sub_1", [1, 2], async () => (sends++, [2]), { sleep: async () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as Error).message).toBe(`deleting sessions of sub_1: gave up after ${MAX_ATTEMPTS} attempts (last: UnprocessedItemsError: 1 items left unprocessed)`);
    expect(sends).toBe(MAX_ATTEMPTS);
  });
});
