/**
 * The one way a write is retried. Writes here are optimistic: an attempt reads, decides and writes on the
 * condition that nothing changed since it read. Losing that race, or meeting a transient fault, is normal under
 * load, and the cure is the same: wait a random while (so writers that met take turns instead of meeting again)
 * and run the whole attempt again, reads included. Anything else is a bug or a refusal and fails at once.
 */
import { UnprocessedItemsError, isRace, isTransient } from "./errors";

/**
 * Attempts per write, for every caller. Ten, with the waits below, spans about 2 s of contention on one item or
 * about 5 s of throttling (the SDK has already retried each request 3 times): far beyond what a burst of webhooks
 * or a busy import meets, well inside a Lambda's or API Gateway's time, and a write that still fails is better
 * answered with a 5xx its sender retries than held on to.
 */
export const MAX_ATTEMPTS = 10;

/** Full-jitter exponential back-off: the n-th wait is random in [0, min(ceiling, base · 2^(n−1))) ms. */
const WAIT = {
  /** The other writer is done within milliseconds: start small. */
  race: { baseMs: 10, ceilingMs: 1_000 },
  /** A throttled table or a busy node needs longer. */
  transient: { baseMs: 50, ceilingMs: 2_000 },
} as const;

export interface RetryOptions {
  /** Waits `ms` (tests pass a fake that records instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

/** What `retryWrite` throws when every attempt failed: names the operation; the last failure is its `cause`. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly what: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    const last = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`${what}: gave up after ${attempts} attempts (last: ${last})`, { cause });
    this.name = "RetriesExhaustedError";
  }
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait before attempt `attempt + 1`, after `attempt` failed with `error`. */
function backoffMs(attempt: number, error: unknown, random: () => number = Math.random): number {
  const { baseMs, ceilingMs } = isRace(error) ? WAIT.race : WAIT.transient;
  return random() * Math.min(ceilingMs, baseMs * 2 ** (attempt - 1));
}

/**
 * Runs `attempt` (read → decide → conditional write) until it resolves: again after a lost race (`isRace`: a
 * failed condition, a transaction conflict, a `WriteConflictError`) or a transient fault (`isTransient`), each
 * time after a jittered wait; at once with any other error. `attempt` is called with its number, from 1, so the
 * first may start from data already read. After `MAX_ATTEMPTS` throws `RetriesExhaustedError` naming `what`.
 */
export async function retryWrite<T>(what: string, attempt: (n: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { sleep = wait, random = Math.random } = options;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isRace(error) && !isTransient(error)) throw error;
      if (n >= MAX_ATTEMPTS) throw new RetriesExhaustedError(what, n, error);
      await sleep(backoffMs(n, error, random));
    }
  }
}

/**
 * Sends a batch (BatchWriteItem, BatchGetItem) and then whatever DynamoDB left unprocessed, until none is left:
 * `send` takes the requests still to do and resolves to those it left. Waits and caps as `retryWrite` does (a
 * thrown transient fault is retried too, with only what was left); throws `RetriesExhaustedError` naming `what`.
 */
export async function untilProcessed<R>(
  what: string,
  requests: readonly R[],
  send: (requests: readonly R[]) => Promise<readonly R[]>,
  options?: RetryOptions,
): Promise<void> {
  let left = requests;
  if (!left.length) return;
  await retryWrite(
    what,
    async () => {
      left = await send(left);
      if (left.length) throw new UnprocessedItemsError(left.length);
    },
    options,
  );
}
