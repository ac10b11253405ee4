/**
 * What one send worker can do, and so how many a rate needs. sst.config.ts imports this at deploy time to size the
 * send queue's subscriber, so it imports nothing (no configuration, no SDK): plain numbers only.
 */

/**
 * Recipients of a send message one worker has in flight at once, each still claim → re-check → render → token →
 * SES → record (`send.ts`). Half a message of 10: the SES round trip and the two DynamoDB transactions around it
 * overlap, while the pacing bucket, not the number in flight, sets the rate.
 */
export const SEND_IN_FLIGHT = 5;

/**
 * The emails per second one send worker is counted on for. A recipient takes about 50 ms of wall time (BENCHMARKS.md:
 * ~6 ms of CPU measured locally, the claim, SendRawEmail's ~30 ms round trip and the record), so one at a time a
 * worker did ~20/s. With SEND_IN_FLIGHT (5) overlapping, the waits allow ~100/s; the CPU allows about the same at
 * Lambda's 1,024 MB (~0.58 vCPU: ~10 ms of CPU per email). Counting on half of that leaves room for DynamoDB's
 * tail latencies, throttling waits, each message's slowest recipient (the next message starts when it ends) and
 * the plan pages the same workers handle.
 */
export const WORKER_SEND_RATE = 50;

/** The fewest and most send workers: the range of an SQS event source's maximum concurrency. */
export const MIN_SEND_WORKERS = 2;
export const MAX_SEND_WORKERS = 1000;

/**
 * How SES_MAX_SEND_RATE is shared: `transactional` (TRANSACTIONAL_SEND_RATE; default a fifth, at least 1, at most
 * half) and digests at the rest. `pacing.ts`'s `sendRates` checks that digests are left something.
 */
export function shareOfRate(max: number, transactional?: number): { digest: number; transactional: number } {
  const reserve = transactional ?? Math.min(max / 2, Math.max(1, max / 5));
  return { digest: max - reserve, transactional: reserve };
}

/**
 * The send workers (the queue subscriber's maximum concurrency, and SEND_CONCURRENCY in every function) a deploy
 * needs: enough that the digests' part of SES_MAX_SEND_RATE is within their WORKER_SEND_RATE each, at least two.
 * An explicit SEND_CONCURRENCY is kept when it is enough; one that is not, or a rate past the most workers SQS
 * allows, is refused with the settings named.
 */
export function sendWorkers(settings: { SES_MAX_SEND_RATE: number; TRANSACTIONAL_SEND_RATE?: number; SEND_CONCURRENCY?: number }): number {
  const { SES_MAX_SEND_RATE: max, TRANSACTIONAL_SEND_RATE: reserve, SEND_CONCURRENCY: asked } = settings;
  if (!(max > 0)) throw new Error(`SES_MAX_SEND_RATE (${max}) must be a positive number of emails per second`);
  const { digest } = shareOfRate(max, reserve);
  if (!(digest > 0)) {
    throw new Error(
      `SES_MAX_SEND_RATE (${max}) less TRANSACTIONAL_SEND_RATE (${reserve ?? "its default"}) leaves digests no rate to send at`,
    );
  }
  const needed = Math.max(MIN_SEND_WORKERS, Math.ceil(digest / WORKER_SEND_RATE));
  if (needed > MAX_SEND_WORKERS) {
    throw new Error(
      `SES_MAX_SEND_RATE (${max}) leaves digests ${digest}/s, which needs ${needed} send workers at ${WORKER_SEND_RATE}/s each ` +
        `(WORKER_SEND_RATE, core/delivery/capacity.ts): more than the ${MAX_SEND_WORKERS} an SQS event source runs`,
    );
  }
  if (asked === undefined) return needed;
  if (!Number.isInteger(asked) || asked < MIN_SEND_WORKERS || asked > MAX_SEND_WORKERS) {
    throw new Error(`SEND_CONCURRENCY (${asked}) must be a whole number from ${MIN_SEND_WORKERS} to ${MAX_SEND_WORKERS}`);
  }
  if (asked < needed) {
    throw new Error(
      `SEND_CONCURRENCY (${asked}) cannot reach SES_MAX_SEND_RATE (${max}): digests' part is ${digest}/s and a send worker ` +
        `does ${WORKER_SEND_RATE}/s (WORKER_SEND_RATE, core/delivery/capacity.ts), so it needs at least ${needed}. ` +
        `Unset SEND_CONCURRENCY to derive it from the rate, or set it to ${needed} or more`,
    );
  }
  return asked;
}
