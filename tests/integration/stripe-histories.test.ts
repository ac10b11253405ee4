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
import type { FakeStripe } from "../helpers/fake-stripe";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { body, deliver, useFakeStripe } from "../helpers/stripe";
import { checkoutSession, customer, event, invoice, newId, subscription } from "../helpers/stripe-objects";
import { random, type Random } from "../helpers/random";

useLocalStack();
const stripe = useFakeStripe();

const PRICES = { coffee: "price_coffee", "co-creator": "price_cocreator", yearly: "price_yearly" } as const;
type TierId = keyof typeof PRICES;
const TIER_IDS = Object.keys(PRICES) as TierId[];


type Step = "create" | "pay" | "fail" | "recover" | "change_tier" | "cancel_at_period_end" | "delete" | "rejoin";

/** One customer's life at Stripe: it changes the fake's state and answers the events Stripe would send. */
class History {
  readonly steps: Step[] = [];
  readonly customer: Stripe.Customer;
  current?: Stripe.Subscription;
  private clock = Math.floor(Date.now() / 1000) - 40 * 86400;

  constructor(
    private readonly fake: FakeStripe,
    readonly email: string,
    /** The subscriber who checks out (named in metadata), or none: Stripe's customer is all we learn. */
    readonly subscriberId: string | undefined,
  ) {
    this.customer = customer({ email });
    fake.customers.set(this.customer.id, this.customer);
  }

  /** The steps possible now. */
  next(): Step[] {
    const s = this.current;
    if (!s) return ["create"];
    if (s.status === "canceled") return ["rejoin"];
    if (s.status === "past_due") return ["recover", "fail", "delete", "change_tier"];
    return s.cancel_at_period_end ? ["delete", "pay", "change_tier"] : ["pay", "fail", "change_tier", "cancel_at_period_end", "delete"];
  }

  apply(step: Step, rnd: Random): Stripe.Event[] {
    this.steps.push(step);
    this.clock += 3600; // each step a little later than the last
    const cus = this.customer.id;
    const metadata: Record<string, string> = this.subscriberId ? { subscriberId: this.subscriberId } : {};
    const update = (changes: Partial<Stripe.Subscription>, period?: "renew") => {
      const s = structuredClone(this.current!);
      Object.assign(s, changes);
      if (period) {
        // Renewals move the period to now, so a failed renewal's grace period is still running.
        const item = s.items.data[0]!;
        item.current_period_start = Math.floor(Date.now() / 1000) - 3600;
        item.current_period_end = item.current_period_start + 30 * 86400;
      }
      this.current = s;
      this.fake.put(s);
      return s;
    };
    const inv = (status: Stripe.Invoice.Status) => invoice({ customer: cus, subscription: this.current!.id, status });
    switch (step) {
      case "create":
      case "rejoin": {
        const tier = rnd.pick(TIER_IDS);
        const incomplete = subscription({
          id: newId("sub"),
          customer: cus,
          status: "incomplete",
          priceId: PRICES[tier],
          metadata: { ...metadata, tierId: tier },
          created: this.clock,
          periodStart: Date.now() - 3600_000,
        });
        this.current = incomplete;
        this.fake.put(incomplete);
        const created = event("customer.subscription.created", incomplete);
        const active = update({ status: "active" });
        const session = checkoutSession({ customer: cus, subscription: active.id, clientReferenceId: this.subscriberId ?? null, metadata });
        return [created, event("invoice.paid", inv("paid")), event("customer.subscription.updated", active), event("checkout.session.completed", session)];
      }
      case "pay":
        return [event("invoice.paid", inv("paid")), event("customer.subscription.updated", update({ status: "active" }, "renew"))];
      case "fail":
        return [event("invoice.payment_failed", inv("open")), event("customer.subscription.updated", update({ status: "past_due" }, "renew"))];
      case "recover":
        return [event("invoice.paid", inv("paid")), event("customer.subscription.updated", update({ status: "active" }))];
      case "change_tier": {
        const s = structuredClone(this.current!);
        const now = s.items.data[0]!.price.id;
        const price = rnd.pick(Object.values(PRICES).filter((p) => p !== now));
        s.items.data[0]!.price = { ...s.items.data[0]!.price, id: price };
        this.current = s;
        this.fake.put(s);
        return [event("customer.subscription.updated", s)];
      }
      case "cancel_at_period_end":
        return [event("customer.subscription.updated", update({ cancel_at_period_end: true }))];
      case "delete":
        return [event("customer.subscription.deleted", update({ status: "canceled", cancel_at_period_end: false }))];
    }
  }

  /** The patron the last step means. */
  expected() {
    const s = this.current!;
    const status = s.status === "active" ? "active" : s.status === "past_due" ? "grace" : "lapsed";
    const tierId = TIER_IDS.find((t) => PRICES[t] === s.items.data[0]!.price.id)!;
    return { status, tierId, stripeSubscriptionId: s.id, stripeCustomerId: this.customer.id, cancelAtPeriodEnd: s.cancel_at_period_end };
  }
}

function shuffle<T>(items: T[], rnd: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Delivers events concurrently, in batches, as Stripe does: a 5xx (the patron too contended to write, say) is
 * delivered again later, like Stripe's retries; anything else but 200 fails the test.
 */
async function deliverAll(events: Stripe.Event[], batch: number) {
  let queue = events;
  for (let round = 0; queue.length && round < 5; round++) {
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
    // Half check out as known subscribers (metadata names them), half are strangers to us.
    const subscriberId = rnd.chance(0.5) ? (await saveSubscriber({ email: uniqueEmail(`checkout${seed}`) })).id : undefined;
    histories.push(new History(stripe.fake, email, subscriberId));
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
