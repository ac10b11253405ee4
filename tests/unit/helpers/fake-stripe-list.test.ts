/**
 * The fake Stripe's subscription list, indexed for 50,000 subscriptions, answers every page as the plain version
 * did (filter all, sort all, slice from the cursor): random subscriptions, random filters, walked page by page.
 */
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { SubscriptionStore } from "../../helpers/fake-stripe-list";
import { random } from "../../helpers/random";

const STATUSES = ["active", "trialing", "past_due", "unpaid", "paused", "canceled", "incomplete"] as const;

/** The list as the fake answered it before it was indexed. */
function plainPage(subscriptions: Stripe.Subscription[], query: Record<string, unknown>) {
  const status = (query.status as string | undefined) ?? "active";
  const all = subscriptions
    .filter((s) => !query.customer || s.customer === query.customer)
    .filter((s) => (status === "all" ? true : query.status ? s.status === status : s.status !== "canceled"))
    .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
  const limit = Math.min(Number(query.limit ?? 10), 100);
  const after = query.starting_after as string | undefined;
  const from = after ? all.findIndex((item) => item.id === after) + 1 : 0;
  return { object: "list", url: "/v1/subscriptions", has_more: from + limit < all.length, data: all.slice(from, from + limit) };
}

describe("the fake Stripe's subscription list", () => {
  it("pages like the plain filter-and-sort, for every filter, however it is changed", () => {
    const { next: rng, pick } = random(7);
    const store = new SubscriptionStore();
    const make = (i: number) =>
      ({ id: `sub_${(i * 7919) % 1000}x${i}`, customer: `cus_${i % 37}`, status: pick(STATUSES), created: 1_700_000_000 + Math.floor(rng() * 50) }) as unknown as Stripe.Subscription;
    for (let i = 0; i < 600; i++) store.set(make(i).id, make(i));

    for (let round = 0; round < 40; round++) {
      // Changes between rounds: new ones, replaced ones, removed ones, statuses changed in place.
      const ids = [...store.keys()];
      store.set(make(1000 + round).id, make(1000 + round));
      store.delete(pick(ids));
      Object.assign(store.get(pick([...store.keys()]))!, { status: pick(STATUSES) });
      const query: Record<string, unknown> = {
        limit: pick([1, 3, 10, 100, 250, undefined]),
        ...(rng() < 0.3 && { customer: `cus_${Math.floor(rng() * 40)}` }),
        ...(rng() < 0.8 && { status: pick([...STATUSES, "all"]) }),
      };
      for (let pages = 0; pages < 1000; pages++) {
        const expected = plainPage([...store.values()], query);
        expect(store.page(query)).toEqual(expected);
        if (!expected.has_more) break;
        query.starting_after = expected.data.at(-1)!.id;
      }
    }
  });

  it("starts after a cursor that no longer matches at its place in the order, as Stripe does", () => {
    const store = new SubscriptionStore();
    for (let i = 0; i < 5; i++) store.set(`sub_${i}`, { id: `sub_${i}`, customer: "cus_1", status: "active", created: 100 - i } as unknown as Stripe.Subscription);
    const first = store.page({ status: "active", limit: 2 });
    expect(first.data.map((s) => s.id)).toEqual(["sub_0", "sub_1"]);
    Object.assign(store.get("sub_1")!, { status: "past_due" });
    expect(store.page({ status: "active", limit: 2, starting_after: "sub_1" }).data.map((s) => s.id)).toEqual(["sub_2", "sub_3"]);
  });
});
