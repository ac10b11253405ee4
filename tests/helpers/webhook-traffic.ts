/**
 * Realistic Stripe webhook traffic for load tests and benchmarks: many customers, each with a short membership
 * history (joined; some cancel at period end, some fail a renewal, some cancel), told by the events Stripe sends
 * for it (checkout completed, subscription created/updated/deleted, invoice paid/failed), each carrying the
 * object as it was at that moment. Stripe delivers them roughly in order but in parallel, so neighbours swap, and
 * some are delivered twice. The fake Stripe holds each subscription's latest state, which is what a patron must
 * end up matching.
 */
import type Stripe from "stripe";
import type { FakeStripe } from "./fake-stripe";
import type { Random } from "./random";
import { checkoutSession, customer, event, invoice, newId, subscription } from "./stripe-objects";

/** The prices of `npm start`'s demo tiers. */
export const DEMO_PRICES = ["price_coffee", "price_cocreator", "price_yearly"] as const;

export interface Membership {
  customerId: string;
  email: string;
  /** The subscriber named in the metadata (as Tidings' own checkout sets it), if any. */
  subscriberId?: string;
  /** Stripe's latest state. */
  final: Stripe.Subscription;
  /** The patron status that state means (`product.md`: past_due → grace, canceled → lapsed). */
  expected: "active" | "grace" | "lapsed";
}

export interface Traffic {
  memberships: Membership[];
  /** In delivery order, duplicates included. */
  events: Stripe.Event[];
  duplicates: number;
}

export interface TrafficOptions {
  customers: number;
  /** The fraction of events delivered a second time, later. */
  duplicateRate?: number;
  /** Subscribers to name in the metadata, one per customer (else the customers are strangers, known by email). */
  subscriberIds?: readonly string[];
  /** Part of each customer's email address, so runs sharing an SES emulator stay apart. */
  label?: string;
}

/** Customers and subscriptions put into `fake`, and the events that told their story, in delivery order. */
export function webhookTraffic(fake: FakeStripe, rng: Random, options: TrafficOptions): Traffic {
  const { customers: count, duplicateRate = 0.05, subscriberIds, label = "patron" } = options;
  const timed: Array<{ at: number; event: Stripe.Event }> = [];
  const memberships: Membership[] = [];
  for (let i = 0; i < count; i++) {
    const subscriberId = subscriberIds?.[i];
    const metadata: Record<string, string> = subscriberId ? { subscriberId } : {};
    const email = `${label}-${i}-${newId("x").slice(2, 10)}@example.com`;
    const cus = customer({ email, metadata });
    fake.customers.set(cus.id, cus);
    const priceId = rng.pick(DEMO_PRICES);
    const base = subscription({ customer: cus.id, status: "active", priceId, metadata });
    const snapshot = (fields: Partial<Stripe.Subscription>) => Object.assign(structuredClone(base), fields);
    const bill = (status: Stripe.Invoice.Status) => {
      const inv = invoice({ customer: cus.id, subscription: base.id, status });
      // Stripe copies the subscription's metadata onto its invoices.
      (inv.parent!.subscription_details as { metadata: Stripe.Metadata | null }).metadata = metadata;
      return inv;
    };
    const story: Stripe.Event[] = [
      event("customer.subscription.created", snapshot({})),
      event(
        "checkout.session.completed",
        checkoutSession({ customer: cus.id, subscription: base.id, clientReferenceId: subscriberId ?? null, metadata, email }),
      ),
      event("invoice.paid", bill("paid")),
    ];
    let final = snapshot({});
    let expected: Membership["expected"] = "active";
    const roll = rng.next();
    if (roll < 0.15) {
      final = snapshot({ cancel_at_period_end: true });
      story.push(event("customer.subscription.updated", final));
    } else if (roll < 0.3) {
      final = snapshot({ status: "past_due" });
      story.push(event("customer.subscription.updated", final), event("invoice.payment_failed", bill("open")));
      expected = "grace";
    } else if (roll < 0.4) {
      story.push(event("customer.subscription.updated", snapshot({ status: "past_due" })));
      final = snapshot({ status: "canceled", canceled_at: base.created, ended_at: base.created });
      story.push(event("customer.subscription.deleted", final));
      expected = "lapsed";
    }
    fake.put(final);
    memberships.push({ customerId: cus.id, email, subscriberId, final, expected });
    // Spread over the run; each step a unit apart, with jitter wide enough to swap neighbours now and then.
    const start = rng.next() * count;
    story.forEach((one, step) => timed.push({ at: start + step + rng.next() * 1.5, event: one }));
  }
  let duplicates = 0;
  for (const { at, event: one } of [...timed]) {
    if (rng.chance(duplicateRate)) {
      timed.push({ at: at + rng.next() * 20, event: one });
      duplicates++;
    }
  }
  timed.sort((a, b) => a.at - b.at);
  return { memberships, events: timed.map((t) => t.event), duplicates };
}
