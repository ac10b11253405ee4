/**
 * Random subscription histories at Stripe: one customer's life (create, pay, fail, recover, change tier, cancel at
 * period end, delete, rejoin) played against the fake Stripe, each step answering the webhook events Stripe would
 * send for it. Shared by the history test (tests/integration) and the replay at volume (tests/adversarial).
 */
import type Stripe from "stripe";
import type { FakeStripe } from "./fake-stripe";
import type { Random } from "./random";
import { checkoutSession, customer, event, invoice, newId, subscription } from "./stripe-objects";

/** The configured tiers' prices (the tests' TIERS). */
export const PRICES = { coffee: "price_coffee", "co-creator": "price_cocreator", yearly: "price_yearly" } as const;
export type TierId = keyof typeof PRICES;
export const TIER_IDS = Object.keys(PRICES) as TierId[];

export type Step = "create" | "pay" | "fail" | "recover" | "change_tier" | "cancel_at_period_end" | "delete" | "rejoin";

/** One customer's life at Stripe: it changes the fake's state and answers the events Stripe would send. */
export class History {
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
    return s.cancel_at_period_end
      ? ["delete", "pay", "change_tier"]
      : ["pay", "fail", "change_tier", "cancel_at_period_end", "delete"];
  }

  /** Takes `step` at Stripe (the fake's state changes at once) and answers the events Stripe sends for it. */
  apply(step: Step, rnd: Random): Stripe.Event[] {
    const events = this.take(step, rnd);
    this.trail.push(this.status());
    return events;
  }

  private take(step: Step, rnd: Random): Stripe.Event[] {
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
        const session = checkoutSession({
          customer: cus,
          subscription: active.id,
          clientReferenceId: this.subscriberId ?? null,
          metadata,
        });
        return [
          created,
          event("invoice.paid", inv("paid")),
          event("customer.subscription.updated", active),
          event("checkout.session.completed", session),
        ];
      }
      case "pay":
        return [
          event("invoice.paid", inv("paid")),
          event("customer.subscription.updated", update({ status: "active" }, "renew")),
        ];
      case "fail":
        return [
          event("invoice.payment_failed", inv("open")),
          event("customer.subscription.updated", update({ status: "past_due" }, "renew")),
        ];
      case "recover":
        return [
          event("invoice.paid", inv("paid")),
          event("customer.subscription.updated", update({ status: "active" })),
        ];
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

  /**
   * The patron status each step left Stripe's subscription meaning (active, grace while past due, lapsed once
   * cancelled), in order: what a patron whose events were all processed before the next step went through.
   */
  readonly trail: Array<"active" | "grace" | "lapsed"> = [];

  /** The patron status Stripe's subscription means now. */
  status(): "active" | "grace" | "lapsed" {
    const s = this.current!.status;
    return s === "active" ? "active" : s === "past_due" ? "grace" : "lapsed";
  }

  /** The patron the last step means. */
  expected() {
    const s = this.current!;
    const status = this.status();
    const tierId = TIER_IDS.find((t) => PRICES[t] === s.items.data[0]!.price.id)!;
    return {
      status,
      tierId,
      stripeSubscriptionId: s.id,
      stripeCustomerId: this.customer.id,
      cancelAtPeriodEnd: s.cancel_at_period_end,
    };
  }
}

/** Shuffles in place, with the seeded random. */
export function shuffle<T>(items: T[], rnd: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
