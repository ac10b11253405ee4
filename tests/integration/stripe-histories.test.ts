/**
 * Random subscription histories (create, pay, fail, recover, change tier, cancel at period end, delete, rejoin)
 * played against the fake Stripe while their webhook events are delivered shuffled, duplicated, late and
 * concurrently (some while Stripe's state is still moving on): each patron must end in the state of its
 * history's last step. Seeded: a failure names the seed that replays it (HISTORY_SEED=<n>).
 */
import { describe, expect, it } from "vitest";
import type Stripe from "stripe";
import * as Db from "../../core/db";
import { saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { body, deliver, useFakeStripe } from "../helpers/stripe";
import { History, shuffle } from "../helpers/stripe-history";
import { random } from "../helpers/random";

useLocalStack();
const stripe = useFakeStripe();

/**
 * Delivers events concurrently, in batches, as Stripe does: a 5xx (the patron too contended to write, or the event
 * still in flight in another delivery) is delivered again later, like Stripe's retries; anything else but 200 fails
 * the test.
 */
async function deliverAll(events: Stripe.Event[], batch: number) {
  let queue = events;
  for (let round = 0; queue.length && round < 20; round++) {
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * round))); // retries come later
    const retry: Stripe.Event[] = [];
    for (let i = 0; i < queue.length; i += batch) {
      const slice = queue.slice(i, i + batch);
      const answers = await Promise.all(slice.map((e) => deliver(e)));
      for (const [j, answer] of answers.entries()) {
        if (answer.status >= 500) retry.push(slice[j]!);
        else if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}: ${JSON.stringify(await body(answer))}`);
      }
    }
    retries += retry.length;
    queue = retry;
  }
  if (queue.length) throw new Error(`${queue.length} events still failing after Stripe's retries`);
}
let retries = 0;

async function play(seed: number) {
  const rnd = random(seed);
  stripe.fake.latencyMs = 25; // slow answers: more attempts overlap between their fetch and their write
  const histories: History[] = [];
  for (let i = 0; i < 4; i++) {
    const email = uniqueEmail(`history${seed}`);
    // Half check out as known subscribers (metadata names them, and the customer has their address, as a checkout
    // we start sets it: a name the customer doesn't agree with is ignored), half are strangers to us.
    const subscriberId = rnd.chance(0.5) ? (await saveSubscriber({ email })).id : undefined;
    histories.push(new History(stripe.fake, email, subscriberId, { extended: rnd.chance(0.5) }));
  }
  const pending: Stripe.Event[] = [];
  const inFlight: Array<Promise<void>> = [];
  const delivered: Stripe.Event[] = [];
  const length = 4 + Math.floor(rnd.next() * 7);
  for (let step = 0; step < length; step++) {
    for (const history of histories) {
      const events = history.apply(rnd.pick(history.next()), rnd);
      for (const e of events) pending.push(...(rnd.chance(0.3) ? [e, e] : [e])); // Stripe sends some twice
    }
    // Some events go out at once, concurrently, while Stripe's state keeps moving; the rest wait (late, out of order).
    shuffle(pending, rnd);
    const now = pending.splice(0, Math.floor(rnd.next() * pending.length));
    delivered.push(...now);
    inFlight.push(deliverAll(now, 6));
  }
  // The rest (the last step's events among them) while the earlier deliveries may still be under way.
  inFlight.push(deliverAll(shuffle(pending, rnd), 6));
  await Promise.all(inFlight);
  // Late redeliveries of events already processed change nothing.
  await deliverAll(shuffle(delivered, rnd).slice(0, 10), 5);

  for (const history of histories) {
    const subscriber = history.subscriberId
      ? await Db.Subscribers.get(history.subscriberId)
      : await Db.Subscribers.getByEmail(history.email);
    const patron = subscriber && (await Db.Patrons.get(subscriber.id));
    expect({ seed, steps: history.steps, patron: patron && pick(patron) }).toEqual({
      seed,
      steps: history.steps,
      patron: history.expected(),
    });
  }
}

const pick = (p: Awaited<ReturnType<typeof Db.Patrons.get>> & object) => ({
  status: p.status,
  tierId: p.tierId,
  stripeSubscriptionId: p.stripeSubscriptionId,
  stripeCustomerId: p.stripeCustomerId,
  cancelAtPeriodEnd: p.cancelAtPeriodEnd,
});

describe("random subscription histories", () => {
  const fixed = process.env.HISTORY_SEED ? [Number(process.env.HISTORY_SEED)] : undefined;
  const seeds = fixed ?? Array.from({ length: 6 }, () => Math.floor(Math.random() * 2 ** 31));
  it.each(seeds)("end in the state of their last step, however the events arrive (seed %i)", async (seed) => {
    await play(seed);
  }, 120_000);
});
