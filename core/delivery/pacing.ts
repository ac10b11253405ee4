import { ConfigError } from "../config";
import { shareOfRate } from "./capacity";

/**
 * A token bucket that keeps one worker under its share of the SES account's maximum send rate. The rate is split
 * in two (`sendRates`): transactional email keeps a reserve, digests take the rest. A digest send stays under its
 * part because at most `SEND_CONCURRENCY` send workers run (the queue's maximum concurrency) and each takes
 * `digest / SEND_CONCURRENCY` per second; the transactional workers likewise share the reserve. Safe to share between
 * a worker's sends in flight (`send.ts`): a token is counted and taken in one synchronous step, and every waiter
 * checks again when it wakes, so no number of callers takes more than the rate allows.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = Math.max(1, Math.floor(ratePerSecond)),
    private readonly clock: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /**
   * Waits until one send is allowed, or at most `maxWaitMs`: answers whether a token was taken (false: the wait ran
   * out first, and the caller goes ahead unpaced, its SES throttling handled as any other).
   */
  async take(maxWaitMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const deadline = this.clock() + maxWaitMs;
    for (;;) {
      const now = this.clock();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return true;
      }
      const wait = ((1 - this.tokens) / this.ratePerSecond) * 1000;
      if (now + wait > deadline) return false;
      await this.sleep(wait);
    }
  }
}

/** This worker's share of the account's rate. */
export function workerRate(maxSendRate: number, concurrency: number): number {
  return maxSendRate / Math.max(1, concurrency);
}

/** Transactional workers running at once when deployed: the least an SQS event source's maximum concurrency takes. */
export const TRANSACTIONAL_CONCURRENCY = 2;

/**
 * How SES_MAX_SEND_RATE is shared: `transactional` (TRANSACTIONAL_SEND_RATE; default a fifth, at least 1, at most
 * half) is kept for confirmations, sign-in links and patron emails, so they never wait behind a digest; digests
 * pace at the rest. A reserve that leaves digests nothing is a configuration error.
 */
export function sendRates(config: { SES_MAX_SEND_RATE: number; TRANSACTIONAL_SEND_RATE?: number }): {
  digest: number;
  transactional: number;
} {
  const max = config.SES_MAX_SEND_RATE;
  const { digest, transactional } = shareOfRate(max, config.TRANSACTIONAL_SEND_RATE);
  if (transactional >= max) {
    throw new ConfigError(
      `Tidings is not configured: TRANSACTIONAL_SEND_RATE (${transactional}) must be below SES_MAX_SEND_RATE (${max}), or digests could never send`,
    );
  }
  return { digest, transactional };
}
