/**
 * Random membership histories at Stripe: one person's life (create, pay, fail, recover, change tier, cancel at
 * period end, delete, rejoin) played against the fake Stripe, each step answering the webhook events Stripe would
 * send for it. Extended histories add what real accounts hold: a second customer of the same person (a second
 * checkout), subscriptions on a retired price, renewals failing across several periods of one debt (a debt that
 * began long ago, or just now), refunds, disputes won and lost, deleted customers, and (where asked) a Portal switch
 * to a price in no tier. Shared by the history test (tests/integration) and the replay at volume (tests/adversarial).
 *
 * The model is the oracle: `expected()` is what the spec says the patron is, from the model's subscriptions (which
 * the fake holds too, but for a lost dispute, whose cancellation is the app's to make).
 */
import type Stripe from "stripe";
import type { FakeStripe } from "./fake-stripe";
import type { Random } from "./random";
import { charge, checkoutSession, customer, dispute, event, invoice, invoicePayment, newId, refund, subscription } from "./stripe-objects";

/** The configured tiers' current prices (the tests' TIERS). */
export const PRICES = { coffee: "price_coffee", "co-creator": "price_cocreator", yearly: "price_yearly" } as const;
export type TierId = keyof typeof PRICES;
export const TIER_IDS = Object.keys(PRICES) as TierId[];
/** A retired price, still paid by older subscriptions (the tests' TIERS: coffee before its price rise). */
export const RETIRED_PRICE = "price_coffee_2025";
/** Every price of a tier, current and retired. */
const TIER_OF_PRICE: Record<string, TierId> = { ...Object.fromEntries(TIER_IDS.map((t) => [PRICES[t], t])), [RETIRED_PRICE]: "coffee" };
/** A price of another product on the same Stripe account: no tier's. */
export const NO_TIER_PRICE = "price_print_edition";
export const GRACE_DAYS = 7;

const DAY_S = 86400;
const now = () => Math.floor(Date.now() / 1000);

export type Step =
  | "create"
  | "pay"
  | "fail"
  | "recover"
  | "change_tier"
  | "cancel_at_period_end"
  | "delete"
  | "rejoin"
  | "second_customer"
  | "refund"
  | "dispute_won"
  | "dispute_lost"
  | "delete_customer"
  | "leave_tiers";

export type Expected = "active" | "grace" | "lapsed";

export interface HistoryOptions {
  /** Second customers, retired prices, debts over several periods, refunds, disputes, deleted customers. */
  extended?: boolean;
  /**
   * Each step's events are processed before the next: then also Portal switches to a price in no tier, and deleted
   * customers of people who never checked out as subscribers. (Racing, a person whose only subscription left the
   * tiers before any event of it was processed was never a patron; a deleted customer's address is gone, so one
   * whose events all come after its deletion can't be told whose it was.)
   */
  settled?: boolean;
}

/** One Stripe customer of the person, and its subscription as the model has it now. */
interface Account {
  customer: Stripe.Customer;
  current?: Stripe.Subscription;
  /** Its earlier subscriptions, ended (a rejoin's predecessors), still listed at Stripe. */
  ended: Stripe.Subscription[];
  /** The customer was deleted (its subscriptions cancelled with it). */
  deleted?: boolean;
  /** The subscription moved to a price in no tier: its tier before, and when (the model's clock). */
  leftTier?: TierId;
  leftAt?: number;
  /** The latest charge paying the current subscription, and whether it was disputed. */
  lastCharge?: Stripe.Charge;
  /** Past due: when the debt began (its first open invoice), epoch seconds. */
  debtSince?: number;
}

/** One person's life at Stripe: it changes the fake's state and answers the events Stripe would send. */
export class History {
  readonly steps: Step[] = [];
  readonly accounts: Account[] = [];
  /** Charges refunded or disputed, as Stripe has them. */
  private readonly touched = new Map<string, Stripe.Charge>();
  private clock = now() - 40 * DAY_S;

  constructor(
    private readonly fake: FakeStripe,
    readonly email: string,
    /** The subscriber who checks out (named in metadata), or none: Stripe's customers are all we learn. */
    readonly subscriberId: string | undefined,
    readonly options: HistoryOptions = {},
  ) {
    this.accounts.push(this.newAccount());
  }

  /** The first customer (the one a history without second customers has). */
  get customer(): Stripe.Customer {
    return this.accounts[0]!.customer;
  }

  private newAccount(): Account {
    const account: Account = { customer: customer({ email: this.email }), ended: [] };
    this.fake.customers.set(account.customer.id, account.customer);
    return account;
  }

  /** The steps possible now (for some account of the person). */
  next(): Step[] {
    const steps = new Set(this.accounts.flatMap((account) => this.movesOf(account)));
    // A second customer (a second checkout); or, once every customer of theirs is deleted, a new one to come back with.
    if (this.options.extended && ((this.accounts.length < 2 && this.accounts[0]!.current) || steps.size === 0)) steps.add("second_customer");
    return [...steps];
  }

  private movesOf(account: Account): Step[] {
    const s = account.current;
    const extended = this.options.extended;
    if (account.deleted) return [];
    if (!s) return ["create"];
    if (s.status === "canceled" || account.leftTier) return ["rejoin"];
    const ending: Step[] = extended && (this.subscriberId || this.options.settled) ? ["delete_customer"] : [];
    const disputes: Step[] = extended && account.lastCharge && !account.lastCharge.disputed ? ["refund", "dispute_won", "dispute_lost"] : [];
    const leave: Step[] = this.options.settled ? ["leave_tiers"] : [];
    if (s.status === "past_due") return ["recover", "fail", "delete", "change_tier", ...ending];
    return s.cancel_at_period_end
      ? ["delete", "pay", "change_tier", ...disputes, ...ending]
      : ["pay", "fail", "change_tier", "cancel_at_period_end", "delete", ...disputes, ...leave, ...ending];
  }

  /** Takes `step` at Stripe (for an account where it is possible) and answers the events Stripe sends for it. */
  apply(step: Step, rnd: Random): Stripe.Event[] {
    this.steps.push(step);
    this.clock += 3600; // each step a little later than the last
    let events: Stripe.Event[];
    if (step === "second_customer") {
      const account = this.newAccount();
      this.accounts.push(account);
      events = this.take(account, "create", rnd);
    } else {
      const account = rnd.pick(this.accounts.filter((a) => this.movesOf(a).includes(step)));
      events = this.take(account, step, rnd);
    }
    this.trail.push(this.status());
    this.debts.push(this.status() === "grace" ? this.deciding()!.account.debtSince : undefined);
    return events;
  }

  private take(account: Account, step: Exclude<Step, "second_customer">, rnd: Random): Stripe.Event[] {
    const cus = account.customer.id;
    const metadata: Record<string, string> = this.subscriberId ? { subscriberId: this.subscriberId } : {};
    const update = (changes: Partial<Stripe.Subscription>, period?: "renew") => {
      const s = structuredClone(account.current!);
      Object.assign(s, changes);
      if (period) {
        // Renewals move the period to now, so a failed renewal's grace period is still running.
        const item = s.items.data[0]!;
        item.current_period_start = now() - 3600;
        item.current_period_end = item.current_period_start + 30 * DAY_S;
      }
      account.current = s;
      this.fake.put(s);
      return s;
    };
    /** An invoice of the current subscription: paid (with its charge and payment), or open (a failed attempt). */
    const bill = (status: "paid" | "open", created = now()) => {
      const inv = invoice({ customer: cus, subscription: account.current!.id, status, created });
      this.fake.invoices.set(inv.id, inv);
      if (status === "paid") {
        for (const open of this.fake.invoices.values()) {
          if (open.status === "open" && open.customer === cus) open.status = "paid"; // paying settles the debt
        }
        account.debtSince = undefined;
        const paid = charge({ customer: cus, amount: 500 });
        this.fake.charges.set(paid.id, paid);
        const payment = invoicePayment({ invoice: inv.id, paymentIntent: paid.payment_intent as string, amount: paid.amount });
        this.fake.invoicePayments.set(payment.id, payment);
        account.lastCharge = paid;
      } else {
        account.debtSince ??= created;
      }
      return inv;
    };
    switch (step) {
      case "create":
      case "rejoin": {
        const tier = rnd.pick(TIER_IDS);
        // Extended histories: some subscriptions started before coffee's price rise, on its retired price.
        const priceId = this.options.extended && tier === "coffee" && rnd.chance(0.5) ? RETIRED_PRICE : PRICES[tier];
        const incomplete = subscription({
          id: newId("sub"),
          customer: cus,
          status: "incomplete",
          priceId,
          metadata: { ...metadata, tierId: tier },
          created: this.clock,
          periodStart: Date.now() - 3600_000,
        });
        // The one it replaces stays listed at Stripe, ended (unless it left the tiers: then it is no membership).
        if (account.current && !account.leftTier) account.ended.push(account.current);
        account.current = incomplete;
        account.leftTier = undefined;
        account.debtSince = undefined;
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
          event("invoice.paid", bill("paid")),
          event("customer.subscription.updated", active),
          event("checkout.session.completed", session),
        ];
      }
      case "pay":
        return [event("invoice.paid", bill("paid")), event("customer.subscription.updated", update({ status: "active" }, "renew"))];
      case "fail": {
        // The first failure of a debt: some debts began long ago (past the grace period: lapsed), some just now.
        // A renewal failing again while past due adds to the same debt, in a new period.
        const first = account.debtSince === undefined;
        const created = first && this.options.extended && rnd.chance(0.4) ? now() - (GRACE_DAYS + 3) * DAY_S : now();
        return [event("invoice.payment_failed", bill("open", created)), event("customer.subscription.updated", update({ status: "past_due" }, "renew"))];
      }
      case "recover":
        return [event("invoice.paid", bill("paid")), event("customer.subscription.updated", update({ status: "active" }))];
      case "change_tier": {
        const s = structuredClone(account.current!);
        const current = s.items.data[0]!.price.id;
        const price = rnd.pick(Object.values(PRICES).filter((p) => p !== current));
        s.items.data[0]!.price = { ...s.items.data[0]!.price, id: price };
        account.current = s;
        this.fake.put(s);
        return [event("customer.subscription.updated", s)];
      }
      case "leave_tiers": {
        const s = structuredClone(account.current!);
        account.leftTier = TIER_OF_PRICE[s.items.data[0]!.price.id];
        account.leftAt = this.clock;
        s.items.data[0]!.price = { ...s.items.data[0]!.price, id: NO_TIER_PRICE };
        account.current = s;
        this.fake.put(s);
        return [event("customer.subscription.updated", s)];
      }
      case "cancel_at_period_end":
        return [event("customer.subscription.updated", update({ cancel_at_period_end: true }))];
      case "delete":
        return [event("customer.subscription.deleted", update({ status: "canceled", cancel_at_period_end: false }))];
      case "delete_customer": {
        const deleted = update({ status: "canceled", cancel_at_period_end: false });
        account.deleted = true;
        this.fake.customers.set(cus, { id: cus, object: "customer", deleted: true } as Stripe.DeletedCustomer);
        return [event("customer.subscription.deleted", deleted), event("customer.deleted", { id: cus, object: "customer", deleted: true })];
      }
      case "refund": {
        const paid = account.lastCharge!;
        const amount = rnd.chance(0.5) ? paid.amount : Math.floor(paid.amount / 2);
        Object.assign(paid, { amount_refunded: amount, refunded: amount >= paid.amount });
        this.touched.set(paid.id, paid);
        this.fake.charges.set(paid.id, structuredClone(paid));
        return [event("charge.refunded", structuredClone(paid)), event("charge.refund.updated", refund({ charge: paid, amount }))];
      }
      case "dispute_won":
      case "dispute_lost": {
        const paid = account.lastCharge!;
        paid.disputed = true;
        this.touched.set(paid.id, paid);
        this.fake.charges.set(paid.id, structuredClone(paid));
        const opened = dispute({ charge: paid, status: "needs_response" });
        const closed = { ...opened, status: step === "dispute_won" ? "won" : "lost" } as Stripe.Dispute;
        this.fake.disputes.set(closed.id, closed);
        // The app cancels the subscription a lost dispute paid (its own call to Stripe): the model says so now.
        if (step === "dispute_lost") account.current = { ...structuredClone(account.current!), status: "canceled", cancel_at_period_end: false };
        return [event("charge.dispute.created", opened), event("charge.dispute.closed", closed)];
      }
    }
  }

  /**
   * The patron status each step left the person's subscriptions meaning, in order: what a patron whose events were
   * all processed before the next step went through.
   */
  readonly trail: Expected[] = [];

  /**
   * Beside each `trail` status in grace, the debt it is in: when that debt began (the app's `unpaidSince`, which its
   * payment-failed email is claimed by: once per debt, product.md → Keeping patrons).
   */
  readonly debts: Array<number | undefined> = [];

  /** The subscription that decides (the spec's rule: the one that pays best, the newest among equals), if any. */
  private deciding(): { account: Account; subscription: Stripe.Subscription } | undefined {
    const rank = (s: Stripe.Subscription) => (s.status === "active" ? 4 : s.status === "past_due" ? 3 : 2);
    // Every subscription of theirs at a tier's price, as the app lists them: each account's ended ones and its current.
    const held = this.accounts.flatMap((account) => [
      ...account.ended.map((subscription) => ({ account, subscription })),
      ...(account.current && !account.leftTier && account.current.status !== "incomplete" ? [{ account, subscription: account.current }] : []),
    ]);
    return held.sort((a, b) => rank(b.subscription) - rank(a.subscription) || b.subscription.created - a.subscription.created)[0];
  }

  /** The patron status the person's subscriptions mean now. */
  status(): Expected {
    const decided = this.deciding();
    if (!decided) return "lapsed"; // only a subscription that left the tiers
    const { account, subscription: s } = decided;
    if (s.status === "active") return "active";
    if (s.status !== "past_due") return "lapsed";
    return (account.debtSince ?? now()) + GRACE_DAYS * DAY_S > now() ? "grace" : "lapsed"; // only a current is past due
  }

  /** The patron the last step means. */
  expected() {
    const decided = this.deciding();
    if (!decided) {
      // Every subscription left the tiers: the patron keeps the one it held last, the one that left last (the only
      // one still at a tier then; leaving happens only in settled histories).
      const left = this.accounts.filter((a) => a.leftTier).sort((a, b) => b.leftAt! - a.leftAt!)[0]!;
      return { status: "lapsed", tierId: left.leftTier, stripeSubscriptionId: left.current!.id, stripeCustomerId: left.customer.id, cancelAtPeriodEnd: false };
    }
    const { account, subscription: s } = decided;
    return {
      status: this.status(),
      tierId: TIER_OF_PRICE[s.items.data[0]!.price.id],
      stripeSubscriptionId: s.id,
      stripeCustomerId: account.customer.id,
      cancelAtPeriodEnd: s.cancel_at_period_end,
    };
  }

  /** Charges the person refunded or disputed, with what their records must say. */
  charges(): Stripe.Charge[] {
    return [...this.touched.values()];
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
