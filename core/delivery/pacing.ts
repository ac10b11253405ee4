/**
 * A token bucket that keeps one worker under its share of the SES account's maximum send rate. The whole send
 * stays under `SES_MAX_SEND_RATE` because at most `SEND_CONCURRENCY` workers run (the queue's maximum
 * concurrency) and each takes `SES_MAX_SEND_RATE / SEND_CONCURRENCY` per second.
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

  /** Waits until one send is allowed. */
  async take(): Promise<void> {
    for (;;) {
      const now = this.clock();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(((1 - this.tokens) / this.ratePerSecond) * 1000);
    }
  }
}

/** This worker's share of the account's rate. */
export function workerRate(maxSendRate: number, concurrency: number): number {
  return maxSendRate / Math.max(1, concurrency);
}
