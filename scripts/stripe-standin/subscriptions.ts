/**
 * The Stripe stand-in's subscriptions: a Map (the test puts and reads them by id) that also answers
 * `GET /v1/subscriptions` fast at any size. It keeps them sorted as Stripe lists them (newest first, then by id)
 * and grouped by customer, rebuilt only after the Map changes, and reads a page from the cursor's place on, so a
 * page of 50,000 subscriptions costs a binary search and the page rather than a sort of them all. Statuses are
 * matched as the page is read, so a subscription changed in place (cancelled by the fake) lists right; a
 * subscription whose `customer` or `created` changes is to be put again.
 */
import type Stripe from "stripe";

const collator = new Intl.Collator();
/** Stripe's list order: newest first, then by id, descending. */
const order = (a: Stripe.Subscription, b: Stripe.Subscription) => b.created - a.created || collator.compare(b.id, a.id);

export class SubscriptionStore extends Map<string, Stripe.Subscription> {
  private index?: { sorted: Stripe.Subscription[]; byCustomer: Map<string, Stripe.Subscription[]> };

  override set(id: string, subscription: Stripe.Subscription): this {
    this.index = undefined;
    return super.set(id, subscription);
  }

  override delete(id: string): boolean {
    this.index = undefined;
    return super.delete(id);
  }

  override clear(): void {
    this.index = undefined;
    super.clear();
  }

  /**
   * One page of `GET /v1/subscriptions` (`customer`, `status`, `limit`, `starting_after`), as Stripe answers it.
   * Without `status`, every subscription that isn't canceled; `all`, every one. The page starts after the
   * `starting_after` subscription's place in the order, whether or not it still matches the filters (as Stripe's
   * cursors do); an unknown one starts from the top.
   */
  page(query: Record<string, unknown>): { object: "list"; url: string; has_more: boolean; data: Stripe.Subscription[] } {
    const status = (query.status as string | undefined) ?? "active";
    const matches = (s: Stripe.Subscription) =>
      (!query.customer || s.customer === query.customer) &&
      (status === "all" ? true : query.status ? s.status === status : s.status !== "canceled");
    const { sorted, byCustomer } = this.indexed();
    const pool = query.customer ? (byCustomer.get(query.customer as string) ?? []) : sorted;
    const limit = Math.min(Number(query.limit ?? 10), 100);
    const cursor = query.starting_after ? this.get(query.starting_after as string) : undefined;
    const data: Stripe.Subscription[] = [];
    let hasMore = false;
    for (let i = cursor ? firstAfter(pool, cursor) : 0; i < pool.length; i++) {
      if (!matches(pool[i]!)) continue;
      if (data.length === limit) {
        hasMore = true;
        break;
      }
      data.push(pool[i]!);
    }
    return { object: "list", url: "/v1/subscriptions", has_more: hasMore, data };
  }

  private indexed() {
    if (!this.index) {
      const sorted = [...this.values()].sort(order);
      const byCustomer = new Map<string, Stripe.Subscription[]>();
      for (const subscription of sorted) {
        const customer = subscription.customer as string;
        const theirs = byCustomer.get(customer) ?? [];
        theirs.push(subscription);
        byCustomer.set(customer, theirs);
      }
      this.index = { sorted, byCustomer };
    }
    return this.index;
  }
}

/** The place of the first subscription of `sorted` that comes after `cursor` in the order. */
function firstAfter(sorted: readonly Stripe.Subscription[], cursor: Stripe.Subscription): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (order(sorted[middle]!, cursor) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
