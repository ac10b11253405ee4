/**
 * Reconciliation in cycles, against the fake Stripe: a cycle split over many invocations (a deadline that allows
 * one page each) ends with every patron right; a crash on a page resumes from the last page saved; a second
 * invocation leaves a cycle another holds alone (and takes over a lease left to expire); the sweep syncs paying
 * patrons whose subscription ended or vanished at Stripe and patrons still owed an email, while lapsed patrons with
 * cancelled subscriptions are never read from Stripe again; and an invocation with nothing to do reads one item.
 */
import type Stripe from "stripe";
import { beforeEach, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { PAGE_SIZE, reconcile, type ReconcileReport } from "../../core/patrons/reconcile";
import type { Patron } from "../../core/patrons";
import { saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo } from "../helpers/mail";
import { countDynamoDb, forgetCycle, patronOf, untilDone } from "../helpers/reconcile";
import { stripeMember, useFakeStripe } from "../helpers/stripe";

useLocalStack();
const stripe = useFakeStripe();
beforeEach(forgetCycle);

const LIST = { method: "GET", path: /^\/v1\/subscriptions$/ };
const oneEach = () => Date.now(); // a deadline already past: each invocation does one page

type Member = { subscriberId: string; customerId: string; subscription: Stripe.Subscription };

/** A patron in step with its subscription at Stripe, as its webhooks left it (tied to its customer unless `untied`). */
async function member(status: Stripe.Subscription.Status, options: { priceId?: string; untied?: boolean; patron?: Partial<Patron> } = {}): Promise<Member> {
  const subscriber = await saveSubscriber();
  const { customer, subscription: sub } = stripeMember(stripe.fake, {
    email: subscriber.email,
    subscription: { status, priceId: options.priceId ?? "price_coffee", metadata: { subscriberId: subscriber.id } },
  });
  await Db.Patrons.save({ ...patronOf(sub, subscriber.id), ...options.patron });
  if (!options.untied) await Db.Customers.link(customer.id, subscriber.id, new Date().toISOString());
  return { subscriberId: subscriber.id, customerId: customer.id, subscription: sub };
}

async function members(count: number, status: Stripe.Subscription.Status, options: Parameters<typeof member>[1] = {}): Promise<Member[]> {
  const made: Member[] = [];
  for (let i = 0; i < count; i += 25) made.push(...(await Promise.all(Array.from({ length: Math.min(25, count - i) }, () => member(status, options)))));
  return made;
}

/** Stripe's state of a subscription changes, its webhooks lost. */
function drift(m: Member, fields: { status?: Stripe.Subscription.Status; priceId?: string }) {
  const changed = structuredClone(stripe.fake.subscriptions.get(m.subscription.id)!);
  if (fields.status) changed.status = fields.status;
  if (fields.priceId) changed.items.data[0]!.price = { ...changed.items.data[0]!.price, id: fields.priceId };
  stripe.fake.put(changed);
}

const statusOf = async (m: Member) => {
  const patron = await Db.Patrons.get(m.subscriberId);
  return patron && { status: patron.status, tierId: patron.tierId };
};
const requestsAbout = (from: number, customerIds: readonly string[]) =>
  stripe.fake.requests.slice(from).filter((r) => customerIds.includes(r.query.customer as string) || customerIds.some((id) => r.path.includes(id)));
const changedIds = (reports: ReconcileReport[]) => reports.flatMap((r) => r.changed.map((c) => c.subscriberId)).sort();

describe("a reconciliation cycle", () => {
  it("split over many invocations by a deadline of one page each, ends with every patron right", async () => {
    const inStep = await members(PAGE_SIZE * 2 + 30, "active");
    const legacy = await members(10, "active", { untied: true }); // found through the older customer index
    const cancelled = await members(3, "active");
    const cocreators = await members(3, "active");
    const pastDue = await members(3, "active");
    const recovered = await members(2, "past_due"); // in grace here, paying again at Stripe
    for (const m of cancelled) drift(m, { status: "canceled" });
    for (const m of cocreators) drift(m, { priceId: "price_cocreator" });
    for (const m of pastDue) drift(m, { status: "past_due" });
    for (const m of recovered) drift(m, { status: "active" });
    const unknown = await saveSubscriber(); // paid, no webhook ever came
    stripeMember(stripe.fake, { email: unknown.email, subscription: { status: "trialing", priceId: "price_yearly", metadata: { subscriberId: unknown.id } } });

    const reports = await untilDone({ deadline: oneEach });

    // active: 3 pages; trialing, past_due, unpaid, paused: 1 each; sweep of active, grace, comped and lapsed: 1 each.
    expect(reports.length).toBeGreaterThanOrEqual(11);
    const { cycle } = reports.at(-1)!;
    expect(cycle).toMatchObject({ phase: "done", totals: { invocations: reports.length, changed: 12, failed: 0 } });
    expect(new Set(reports.map((r) => r.cycle!.id)).size).toBe(1);
    for (const m of [...inStep, ...legacy]) expect(await statusOf(m)).toEqual({ status: "active", tierId: "coffee" });
    for (const m of cancelled) expect(await statusOf(m)).toEqual({ status: "lapsed", tierId: "coffee" });
    for (const m of cocreators) expect(await statusOf(m)).toEqual({ status: "active", tierId: "co-creator" });
    for (const m of pastDue) expect(await statusOf(m)).toEqual({ status: "grace", tierId: "coffee" });
    for (const m of recovered) expect(await statusOf(m)).toEqual({ status: "active", tierId: "coffee" });
    expect(await Db.Patrons.get(unknown.id)).toMatchObject({ status: "active", tierId: "yearly" });
    const ids = (list: Member[]) => list.map((m) => m.subscriberId);
    expect(changedIds(reports)).toEqual([...ids([...cancelled, ...cocreators, ...pastDue, ...recovered]), unknown.id].sort());
    expect(reports.flatMap((r) => r.unmatched).sort()).toEqual(ids(cancelled).sort());
  });

  it("resumes from the last page saved after a crash, and finishes", async () => {
    await members(PAGE_SIZE + 10, "active");
    expect(await reconcile({ deadline: oneEach() })).toMatchObject({ done: false, pages: 1 });
    const saved = (await Db.Reconciliation.read()).cycle!;
    expect(saved).toMatchObject({ phase: "live", status: "active", totals: { pages: 1 } });
    expect(saved.startingAfter).toMatch(/^sub_/);

    stripe.fake.failNext(LIST); // Stripe fails the next page
    await expect(reconcile({ deadline: oneEach() })).rejects.toThrow();
    expect(await Db.Reconciliation.read()).toEqual({ cycle: saved, leaseUntil: 0 }); // nothing moved; the lease given back

    const from = stripe.fake.requests.length;
    const reports = await untilDone({ deadline: oneEach });
    const pages = stripe.fake.requests.slice(from).filter((r) => LIST.path.test(r.path) && !r.query.customer);
    expect(pages[0]!.query).toMatchObject({ status: "active", starting_after: saved.startingAfter });
    expect(reports.at(-1)!.cycle).toMatchObject({ id: saved.id, phase: "done", totals: { failed: 0 } });
  });

  it("is worked by one invocation at a time: a second finds the lease held and does nothing", async () => {
    await members(5, "active");
    const held = stripe.fake.holdNext(LIST);
    const first = reconcile();
    await held.reached;
    const from = stripe.fake.requests.length;
    const second = await reconcile();
    expect(second).toMatchObject({ idle: "leased", done: false, pages: 0, swept: 0, synced: 0 });
    expect(stripe.fake.requests.length).toBe(from);
    held.release();
    expect(await first).toMatchObject({ done: true });
  });

  it("takes over a lease its holder left to expire (a Lambda timed out)", async () => {
    await members(3, "active");
    expect(await Db.Reconciliation.lease("timed-out", Date.now() + 500, Date.now())).toBeDefined();
    expect(await reconcile()).toMatchObject({ idle: "leased", pages: 0 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await reconcile()).toMatchObject({ done: true });
  });
});

describe("the sweep", () => {
  it("syncs paying patrons whose subscription was cancelled, or vanished, at Stripe", async () => {
    const [cancelled, vanished, grace] = [await member("active"), await member("active"), await member("past_due")];
    drift(cancelled, { status: "canceled" });
    drift(grace, { status: "canceled" });
    stripe.fake.subscriptions.delete(vanished.subscription.id);
    stripe.fake.customers.set(vanished.customerId, { id: vanished.customerId, object: "customer", deleted: true });

    const from = stripe.fake.requests.length;
    const reports = await untilDone();
    expect(reports.flatMap((r) => r.unmatched).sort()).toEqual([cancelled, vanished, grace].map((m) => m.subscriberId).sort());
    expect(await statusOf(cancelled)).toEqual({ status: "lapsed", tierId: "coffee" });
    expect(await statusOf(grace)).toEqual({ status: "lapsed", tierId: "coffee" });
    // What a vanished subscription means is sync's to say (see sync.ts); the sweep's part is to ask Stripe again.
    expect(requestsAbout(from, [vanished.customerId]).length).toBeGreaterThan(0);
  });

  it("never reads lapsed patrons with cancelled subscriptions from Stripe again, but sends one still owed its email", async () => {
    const lapsed = await members(20, "canceled");
    const owed = await member("canceled", { patron: { notice: { kind: "lapsed", version: 1 } } });
    const versions = await Db.Patrons.many(lapsed.map((m) => m.subscriberId));

    const from = stripe.fake.requests.length;
    const reports = await untilDone();
    expect(requestsAbout(from, lapsed.map((m) => m.customerId))).toEqual([]);
    expect(await Db.Patrons.many(lapsed.map((m) => m.subscriberId))).toEqual(versions);
    expect(reports.reduce((sum, r) => sum + r.synced, 0)).toBeGreaterThanOrEqual(1);
    const subscriber = await Db.Subscribers.get(owed.subscriberId);
    expect((await mailTo(subscriber!.email)).length).toBe(1);
    expect((await Db.Patrons.get(owed.subscriberId))?.notice).toBeUndefined();
  });
});

describe("between cycles", () => {
  it("an invocation reads one item and stops until a day after the last cycle began", async () => {
    await member("active");
    const [done] = await untilDone();
    const counter = countDynamoDb();
    const from = stripe.fake.requests.length;
    try {
      expect(await reconcile({ now: new Date(Date.now() + 23 * 3600 * 1000) })).toMatchObject({ idle: "resting", done: true, pages: 0 });
      expect(counter.counts).toEqual({ GetItem: 1 });
    } finally {
      counter.stop();
    }
    expect(stripe.fake.requests.length).toBe(from);
    const next = await reconcile({ now: new Date(Date.now() + 24 * 3600 * 1000 + 1) });
    expect(next).toMatchObject({ done: true });
    expect(next.cycle!.id).not.toBe(done!.cycle!.id);
  });
});
