/**
 * Reconciliation at scale: 50,000 subscriptions in the fake Stripe in `npm run test:long` (a DynamoDB Local of
 * its own), a few hundred in `npm test`. Most match their patrons; some drifted while their webhooks were lost
 * (statuses, a tier, patrons never made, customers deleted at Stripe); a fifth are cancelled subscriptions of
 * lapsed patrons, which must cost nothing. The cycle runs invocation after invocation, each to a deadline, until
 * it is done: every drift is repaired, nothing else changes, and no lapsed patron's customer is asked about.
 * Prints the figures: subscriptions, pages, invocations, Stripe and DynamoDB requests, seconds.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import type Stripe from "stripe";
import { expect, it } from "vitest";
import * as Db from "../../core/db";
import * as keys from "../../core/db/keys";
import type { Patron } from "../../core/patrons";
import { reconcile, type ReconcileReport } from "../../core/patrons/reconcile";
import { syncPatron } from "../../core/patrons/sync";
import { createSubscribers } from "../helpers/factories";
import { useLocalStackWith } from "../helpers/own-dynamodb";
import { random } from "../helpers/random";
import { countDynamoDb, patronOf } from "../helpers/reconcile";
import { useFakeStripe } from "../helpers/stripe";
import { customer, subscription } from "../helpers/stripe-objects";
import { LONG, byRun } from "./scale";

useLocalStackWith({ ownDynamoDb: LONG });
const stripe = useFakeStripe();
const SUBSCRIPTIONS = Number(process.env.RECONCILE_SUBSCRIPTIONS ?? byRun(400, 50_000));
/** Work per invocation: a deployed run gets 8 minutes (a 10-minute Lambda less its margin) against the real services. */
const DEADLINE_MS = Number(process.env.RECONCILE_DEADLINE_MS ?? byRun(1_000, 60_000));

type Kind =
  | "active" | "legacy" | "trialing" | "past_due" | "unpaid" | "paused" | "lapsed" | "foreign"
  | "to_past_due" | "to_unpaid" | "to_canceled" | "reactivated" | "tier" | "missing" | "gone";
const DRIFT = new Set<Kind>(["to_past_due", "to_unpaid", "to_canceled", "reactivated", "tier", "missing", "gone"]);
/** Where each kind starts (the patron, as its webhooks left it) and where Stripe has it now. */
const KINDS: Record<Kind, { was?: Stripe.Subscription.Status; now: Stripe.Subscription.Status; expect?: [Patron["status"], string?] }> = {
  active: { was: "active", now: "active", expect: ["active"] },
  legacy: { was: "active", now: "active", expect: ["active"] }, // no customer tie: found through the older index
  trialing: { was: "trialing", now: "trialing", expect: ["active"] },
  past_due: { was: "past_due", now: "past_due", expect: ["grace"] },
  unpaid: { was: "unpaid", now: "unpaid", expect: ["lapsed"] },
  paused: { was: "paused", now: "paused", expect: ["lapsed"] },
  lapsed: { was: "canceled", now: "canceled", expect: ["lapsed"] },
  foreign: { now: "active" }, // another product of a shared account: no patron, never one
  to_past_due: { was: "active", now: "past_due", expect: ["grace"] },
  to_unpaid: { was: "active", now: "unpaid", expect: ["lapsed"] },
  to_canceled: { was: "active", now: "canceled", expect: ["lapsed"] },
  reactivated: { was: "unpaid", now: "active", expect: ["active"] },
  tier: { was: "active", now: "active", expect: ["active", "co-creator"] }, // moved to another price
  missing: { now: "active", expect: ["active"] }, // paid, its webhooks never came
  gone: { was: "active", now: "canceled", expect: ["lapsed"] }, // its customer deleted at Stripe
};

/** How many of each kind: a fifth cancelled and lapsed, some per cent of each other state, a few hundred drifted. */
function census(n: number): Array<[Kind, number]> {
  const drift = byRun(2, 60);
  const counts: Array<[Kind, number]> = [
    ["lapsed", Math.floor(n * 0.2)], ["legacy", Math.floor(n * 0.05)], ["trialing", Math.floor(n * 0.02)],
    ["past_due", Math.floor(n * 0.005)], ["unpaid", Math.floor(n * 0.01)], ["paused", Math.floor(n * 0.005)],
    ["foreign", Math.floor(n * 0.02)], ["to_past_due", drift], ["to_unpaid", drift], ["to_canceled", drift],
    ["reactivated", drift], ["tier", drift], ["missing", drift], ["gone", drift],
  ];
  return [["active", n - counts.reduce((sum, [, count]) => sum + count, 0)], ...counts];
}

interface Seeded {
  kind: Kind;
  subscriberId: string;
  customerId: string;
  subscription: Stripe.Subscription;
}

it(`reconciles ${SUBSCRIPTIONS.toLocaleString("en")} subscriptions over as many invocations as it takes`, async () => {
  const rng = random(20261204);
  const run = Math.floor(rng.next() * 1e9).toString(36);
  const kinds = census(SUBSCRIPTIONS).flatMap(([kind, count]) => Array<Kind>(count).fill(kind));
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }

  // Arrange: Stripe's subscriptions (built from one of Stripe's examples, parts shared), then the table in batches.
  const seeding = performance.now();
  const template = subscription({ customer: "cus_template", status: "active", priceId: "price_coffee" });
  const prices = ["price_coffee", "price_coffee", "price_cocreator", "price_yearly"];
  const seeded: Seeded[] = kinds.map((kind, i) => {
    const subscriberId = `sub_rs${run}${i.toString().padStart(6, "0")}`;
    const customerId = kind === "foreign" ? `cus_print${run}${i}` : `cus_rs${run}${i}`;
    const priceId = kind === "foreign" ? "price_newspaper_print" : kind === "tier" ? "price_coffee" : rng.pick(prices);
    const fields = { id: `sub_${run}x${i}`, customer: customerId, priceId, subscriberId, created: 1_780_000_000 + i };
    return { kind, subscriberId, customerId, subscription: build(template, { ...fields, status: KINDS[kind].was ?? KINDS[kind].now }) };
  });
  const people = seeded.filter((s) => s.kind !== "foreign");
  await createSubscribers(people.length, (i) => ({ id: people[i]!.subscriberId }));
  const patrons = seeded.filter((s) => KINDS[s.kind].was && s.kind !== "past_due");
  await batchWrite(patrons.map((s) => Db.Patrons.itemOf(patronOf(s.subscription, s.subscriberId))));
  // Customers tied to their subscribers, as `Db.Customers.link` writes them (but for the older patrons, and those
  // whose webhooks never came), in batches.
  const tied = seeded.filter((s) => s.kind !== "foreign" && s.kind !== "legacy" && s.kind !== "missing");
  const linkedAt = new Date().toISOString();
  await batchWrite(tied.map((s) => ({ ...keys.customer.key(s.customerId), entity: "customer", customerId: s.customerId, subscriberId: s.subscriberId, linkedAt })));
  for (const s of seeded) stripe.fake.subscriptions.set(s.subscription.id, s.subscription);
  // Grace patrons as a sync writes them (their grace reads Stripe's invoices).
  await inParallel(seeded.filter((s) => s.kind === "past_due"), 8, async (s) => void (await syncPatron(s.subscriberId, [s.customerId])));
  // Then Stripe moves on and the webhooks are lost.
  for (const s of seeded.filter((s) => DRIFT.has(s.kind))) {
    const { id, customer: customerId, created } = s.subscription;
    const fields = { id, customer: customerId as string, subscriberId: s.subscriberId, created };
    const priceId = s.kind === "tier" ? "price_cocreator" : s.subscription.items.data[0]!.price.id;
    stripe.fake.subscriptions.set(id, build(template, { ...fields, priceId, status: KINDS[s.kind].now }));
    stripe.fake.customers.set(s.customerId, customer({ id: s.customerId, email: `${s.subscriberId}@example.com` }));
    if (s.kind === "gone") stripe.fake.customers.set(s.customerId, { id: s.customerId, object: "customer", deleted: true });
  }
  const before = await patronsOf(people);
  const seededSeconds = (performance.now() - seeding) / 1000;

  // Act: invocations until the cycle is done, each working until its deadline.
  const dynamoDb = countDynamoDb();
  const stripeFrom = stripe.fake.requests.length;
  const reports: ReconcileReport[] = [];
  const durations: number[] = [];
  const reconciling = performance.now();
  try {
    do {
      const started = performance.now();
      reports.push(await reconcile({ deadline: Date.now() + DEADLINE_MS }));
      durations.push((performance.now() - started) / 1000);
    } while (!reports.at(-1)!.done && reports.length < 10_000);
  } finally {
    dynamoDb.stop();
  }
  const seconds = (performance.now() - reconciling) / 1000;

  // Assert: every drift repaired, nothing else changed, no lapsed customer asked about.
  const after = await patronsOf(people);
  const wrong: string[] = [];
  for (const s of people) {
    const [status, tierId] = KINDS[s.kind].expect!;
    const patron = after.get(s.subscriberId);
    const expected = { status, tierId: tierId ?? tierOf(s.subscription) };
    if (patron?.status !== expected.status || patron.tierId !== expected.tierId) wrong.push(`${s.kind} ${s.subscriberId}: ${patron?.status}/${patron?.tierId}`);
    if (!DRIFT.has(s.kind) && !sameRecord(before.get(s.subscriberId), patron)) wrong.push(`${s.kind} ${s.subscriberId} changed`);
  }
  expect(wrong.slice(0, 20)).toEqual([]);
  const drifted = people.filter((s) => DRIFT.has(s.kind)).map((s) => s.subscriberId).sort();
  expect(reports.flatMap((r) => r.changed.map((c) => c.subscriberId)).sort()).toEqual(drifted);
  const unmatched = people.filter((s) => s.kind === "to_canceled" || s.kind === "gone").map((s) => s.subscriberId).sort();
  expect(reports.flatMap((r) => r.unmatched).sort()).toEqual(unmatched);
  const requests = stripe.fake.requests.slice(stripeFrom);
  const lapsedCustomers = new Set(seeded.filter((s) => s.kind === "lapsed").map((s) => s.customerId));
  expect(requests.filter((r) => lapsedCustomers.has(r.query.customer as string))).toEqual([]);
  const { totals } = reports.at(-1)!.cycle!;
  expect(totals).toMatchObject({ invocations: reports.length, failed: 0, changed: drifted.length });

  const pages = requests.filter((r) => r.path === "/v1/subscriptions" && !r.query.customer).length;
  const byCustomer = requests.filter((r) => r.path === "/v1/subscriptions" && r.query.customer).length;
  const ops = Object.entries(dynamoDb.counts).sort(([, a], [, b]) => b - a).map(([op, count]) => `${op} ${count}`).join(", ");
  console.info(
    `reconciliation at scale: ${SUBSCRIPTIONS} subscriptions (${people.length} subscribers, ${drifted.length} drifted, ` +
      `${lapsedCustomers.size} cancelled and lapsed) seeded in ${seededSeconds.toFixed(1)} s; reconciled in ` +
      `${seconds.toFixed(1)} s over ${reports.length} invocations of at most ${(DEADLINE_MS / 1000).toFixed(0)} s of work ` +
      `(longest ${Math.max(...durations).toFixed(1)} s): ${totals.pages} pages (${totals.subscriptions} live subscriptions), ` +
      `${totals.swept} patrons swept, ${totals.synced} synced, ${totals.changed} changed, ${totals.unmatched} unmatched; ` +
      `Stripe requests ${requests.length} (${pages} list pages, ${byCustomer} lists of one customer, ` +
      `${requests.length - pages - byCustomer} other); DynamoDB requests ${Object.values(dynamoDb.counts).reduce((a, b) => a + b, 0)} (${ops})`,
  );
}, byRun(120_000, 3_600_000));

/** A subscription like Stripe's example, its nested parts shared with `template` except its item (memory at 50,000). */
function build(
  template: Stripe.Subscription,
  fields: { id: string; customer: string; status: Stripe.Subscription.Status; priceId: string; subscriberId: string; created: number },
): Stripe.Subscription {
  const item = template.items.data[0]!;
  const ended = fields.status === "canceled" ? fields.created + 3600 : null;
  return {
    ...template,
    id: fields.id,
    customer: fields.customer,
    status: fields.status,
    created: fields.created,
    metadata: { subscriberId: fields.subscriberId },
    canceled_at: ended,
    ended_at: ended,
    items: {
      ...template.items,
      url: `/v1/subscription_items?subscription=${fields.id}`,
      data: [{ ...item, id: `si_${fields.id.slice(4)}`, subscription: fields.id, price: { ...item.price, id: fields.priceId } }],
    },
  };
}

const TIER_OF: Record<string, string> = { price_coffee: "coffee", price_cocreator: "co-creator", price_yearly: "yearly" };
const tierOf = (subscription: Stripe.Subscription) => TIER_OF[subscription.items.data[0]!.price.id]!;

/** Whether a patron's record is as it was, but for the bookkeeping of a sync that found it right. */
function sameRecord(a: Patron | undefined, b: Patron | undefined): boolean {
  const record = (p: Patron | undefined) => p && canonical({ ...p, version: 0, updatedAt: "" });
  return JSON.stringify(record(a)) === JSON.stringify(record(b));
}

/** A value with its objects' keys sorted (DynamoDB answers a map's attributes in no set order). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

async function patronsOf(people: readonly Seeded[]): Promise<Map<string, Patron>> {
  const found = new Map<string, Patron>();
  await inParallel(chunks(people.map((s) => s.subscriberId), 100), 8, async (ids) => {
    for (const [id, patron] of await Db.Patrons.many(ids)) found.set(id, patron);
  });
  return found;
}

/** Items written 25 to a BatchWriteItem, 8 requests at a time. */
async function batchWrite(items: readonly Record<string, unknown>[]): Promise<void> {
  await inParallel(chunks(items, 25), 8, async (batch) => {
    const requests = batch.map((Item) => ({ PutRequest: { Item } }));
    await Db.untilProcessed("seeding", requests, async (left) => {
      const { UnprocessedItems } = await Db.db().send(new BatchWriteCommand({ RequestItems: { [Db.tableName()]: [...left] } }));
      return (UnprocessedItems?.[Db.tableName()] ?? []) as typeof requests;
    });
  });
}

async function inParallel<T>(items: readonly T[], workers: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

const chunks = <T>(items: readonly T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));
