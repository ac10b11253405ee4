import * as Config from "../config";
import * as Email from "../email";
import { sendRates, TokenBucket, TRANSACTIONAL_CONCURRENCY } from "../delivery/pacing";
import { classify } from "../delivery/ses-errors";

let bucket: TokenBucket | undefined;

/**
 * This process's share of the transactional reserve, made once (a warm Lambda keeps it across batches): at most
 * TRANSACTIONAL_CONCURRENCY transactional workers run, each at its share, so together they stay within the reserve
 * that digests leave free.
 */
export function processBucket(): TokenBucket {
  bucket ??= new TokenBucket(sendRates(Config.get()).transactional / TRANSACTIONAL_CONCURRENCY);
  return bucket;
}

export interface PaceOptions {
  bucket?: TokenBucket;
  /**
   * How long to wait for the bucket at most (default: as long as it takes). Senders inside a lease (patron emails
   * under their claim, a webhook under its event's) must not wait for a backlog past it: they wait a little, then
   * send unpaced, and SES's throttling, if it comes, is handled as usual.
   */
  maxWaitMs?: number;
  /** How long SES throttling is waited out in place before giving up (the caller hands back or fails). */
  throttleBudgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type Paced<T> = { kind: "sent"; value: T } | { kind: "throttled" | "account" | "failed"; error: unknown };

/** Sends one email through SES at the bucket's pace (`Email.send`, paced). */
export type SendEmail = (message: Email.Message) => Promise<{ messageId: string }>;

/**
 * Runs `attempt`, which sends at most one email through the `send` it is given (paced by the bucket: an attempt
 * that sends nothing takes no share of the rate), trying again while SES throttles, within the budget. Permanent
 * and account-level refusals are answered; anything else (network, 5xx, a timeout: SES may have sent it) is thrown.
 */
export async function paced<T>(attempt: (send: SendEmail) => Promise<T>, options: PaceOptions): Promise<Paced<T>> {
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const budget = options.throttleBudgetMs ?? 3_000;
  const take = options.bucket ?? processBucket();
  const send: SendEmail = async (message) => {
    await take.take(options.maxWaitMs);
    return Email.send(message);
  };
  let waited = 0;
  for (let tries = 0; ; tries++) {
    try {
      return { kind: "sent", value: await attempt(send) };
    } catch (error) {
      const kind = classify(error);
      if (kind === "transient") throw error;
      if (kind !== "throttled") return { kind: kind === "permanent" ? "failed" : "account", error };
      const pause = Math.min(200 * 2 ** tries, 2_000);
      if (waited + pause > budget) return { kind: "throttled", error };
      waited += pause;
      await sleep(pause);
    }
  }
}
