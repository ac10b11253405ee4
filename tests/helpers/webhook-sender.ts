/**
 * Stripe's side of a webhook replay (tests/adversarial): delivers events through the real, signed webhook route,
 * `concurrency` at a time, and delivers again whatever was answered 5xx (a failure, or the event in flight in
 * another delivery) until it is answered 200, as Stripe does; it counts each event's answers, so a test can tell
 * that none was swallowed as a "duplicate" of itself.
 */
import type Stripe from "stripe";
import { deliver } from "./stripe";

/** Runs `work` over `items`, `concurrency` at a time. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** How long Stripe keeps retrying here: past the webhook's 120 s lease, which a claim left by a failure may hold. */
const RETRY_FOR_MS = 150_000;

export type Answer = "processed" | "duplicate" | "ignored";

export class Sender {
  deliveries = 0;
  failed = 0;
  readonly answers = new Map<string, Record<Answer, number>>();

  /** Delivers `events`, `concurrency` at a time, and again each one answered 5xx, until every one is answered 200. */
  async deliverAll(events: readonly Stripe.Event[], concurrency: number) {
    const started = Date.now();
    let queue = events;
    for (let round = 0; queue.length > 0; round++) {
      if (round >= 50 && Date.now() - started > RETRY_FOR_MS)
        throw new Error(`${queue.length} events still answered 5xx after ${round} deliveries`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * round))); // retries come later
      const again: Stripe.Event[] = [];
      await pool(queue, concurrency, async (event) => {
        this.deliveries++;
        const answer = await deliver(event);
        if (answer.status >= 500) {
          this.failed++;
          again.push(event);
          return;
        }
        const body = (await answer.json()) as { outcome?: Answer };
        if (answer.status !== 200 || !body.outcome)
          throw new Error(`webhook answered ${answer.status}: ${JSON.stringify(body)}`);
        const seen = this.answers.get(event.id) ?? { processed: 0, duplicate: 0, ignored: 0 };
        seen[body.outcome]++;
        this.answers.set(event.id, seen);
      });
      queue = again;
    }
  }

  /** How many deliveries were answered as duplicates. */
  get duplicates(): number {
    return [...this.answers.values()].reduce((sum, a) => sum + a.duplicate, 0);
  }
}
