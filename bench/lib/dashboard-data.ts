/**
 * Data for the dashboard benchmark: a newsroom a few years in. Subscribers of every status (written fast by
 * `seedSubscribers`), a few hundred patrons of every status and tier (through `Db.Patrons.save`, as webhooks and
 * comps write them), a year of daily snapshots ending with the figures counted live, a season of weekly digests
 * and a month of editors' actions in the audit log. Deterministic: the same data every run.
 */
import * as Db from "../../core/db";
import * as Digests from "../../core/digests";
import * as Editors from "../../core/editors";
import type { Patron, PatronStatus } from "../../core/patrons/types";
import type { DaySnapshot } from "../../core/stats";
import { stats } from "../../core/subscribers/stats";
import type { Status, Subscriber } from "../../core/subscribers/types";
import { benchSubscriber, seedSubscribers } from "./seed";

const DAY = 86_400_000;
/** A number in [0, 1) from an integer: Knuth's multiplicative hash, so statuses spread over the ids. */
const spread = (i: number, salt = 0) => (Math.imul(i + salt * 7919, 2654435761) >>> 0) / 2 ** 32;

/** How the list is made up: most readers active, a sixth gone, a few waiting to confirm or suppressed. */
const STATUS_MIX: Array<[Status, number]> = [
  ["active", 0.72],
  ["unsubscribed", 0.17],
  ["pending", 0.05],
  ["bounced", 0.04],
  ["complained", 0.02],
];

export function statusOf(i: number): Status {
  let r = spread(i);
  for (const [status, share] of STATUS_MIX) if ((r -= share) < 0) return status;
  return "active";
}

export const emailOf = (i: number) => `reader${i}@bench.example.com`;

/** Subscriber `i` of the dashboard's list: the send benchmark's reader, with a status and one in five daily. */
export function mixedSubscriber(i: number, at: string): Subscriber {
  const reader = { ...benchSubscriber(i, at), status: statusOf(i), frequency: i % 5 === 0 ? ("daily" as const) : ("weekly" as const) };
  switch (reader.status) {
    case "pending": {
      const { confirmedAt, consent, ...waiting } = reader;
      return {
        ...waiting,
        optIn: { requestedAt: at, topics: reader.topics, frequency: reader.frequency, consent: { requestedAt: at, source: "form", textVersion: "bench" } },
        expiresAt: Math.floor(Date.parse(at) / 1000) + 7 * 86_400,
      };
    }
    case "unsubscribed":
      return { ...reader, unsubscribedAt: at };
    case "bounced":
      return { ...reader, suppressedAt: at, suppressedReason: "permanent bounce (General): mailbox does not exist" };
    case "complained":
      return { ...reader, suppressedAt: at, suppressedReason: "complaint (abuse)" };
    default:
      return reader;
  }
}

const PATRON_MIX: Array<[PatronStatus, number]> = [
  ["active", 0.74],
  ["grace", 0.03],
  ["lapsed", 0.16],
  ["comped", 0.07],
];
const PRICES = [
  ["coffee", "price_coffee"],
  ["coffee", "price_coffee_2025"],
  ["co-creator", "price_cocreator"],
  ["yearly", "price_yearly"],
] as const;

function patronOf(i: number, n: number, now: Date): Patron {
  let r = spread(n, 1);
  const status = PATRON_MIX.find(([, share]) => (r -= share) < 0)?.[0] ?? "active";
  const [tierId, stripePriceId] = PRICES[n % PRICES.length]!;
  const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
  const base = { subscriberId: benchSubscriber(i, "").id, status, tierId, createdAt: at(-300 + (n % 290)), updatedAt: at(-1), version: 1 };
  if (status === "comped") return { ...base, compedUntil: at(90), compTierId: tierId, compedBy: "dashboard:bench" };
  const customer = `cus_bench${n}`;
  return {
    ...base,
    stripeCustomerId: customer,
    stripeCustomerIds: [customer],
    stripeSubscriptionId: `sub_stripe_bench${n}`,
    stripePriceId,
    subscriptionStatus: { active: "active", grace: "past_due", lapsed: "canceled", paused: "active" }[status],
    currentPeriodStart: at(-20),
    currentPeriodEnd: at(10),
    ...(status === "grace" && { unpaidSince: at(-3), graceUntil: at(4) }),
    ...(status === "lapsed" && { lapsedAt: at(-40) }),
  };
}

/** The ids (indexes) of the subscribers who are patrons: active readers spread over the list. */
export function patronIndexes(subscribers: number, patrons: number): number[] {
  const found: number[] = [];
  const step = Math.floor(subscribers / patrons);
  for (let i = 1; found.length < patrons && i < subscribers; i += step) {
    let j = i;
    while (statusOf(j) !== "active") j++;
    found.push(j);
  }
  return found;
}

async function inParallel<T>(list: readonly T[], parallel: number, each: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const at = next++;
      await each(list[at]!, at);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * A year of daily snapshots before today, final (as the schedule writes them), ending at today's figures counted
 * live: walking back, the list grows by about 40% over the year, with a few readers and patrons joining and leaving
 * each day.
 */
async function yearOfSnapshots(days: number, now: Date): Promise<void> {
  const today = await stats();
  const snapshots: DaySnapshot[] = [];
  for (let back = 1; back <= days; back++) {
    const date = Db.Stats.dayOf(new Date(now.getTime() - back * DAY));
    const scale = (value: number) => Math.round(value * (1 - (0.4 * back) / days));
    const scaled = <K extends string>(counts: Record<K, number>) => Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, scale(v as number)])) as Record<K, number>;
    const byStatus = scaled(today.subscribers.byStatus);
    const patrons = scaled(today.patrons.byStatus);
    const month = date.slice(0, 7);
    const dayOfMonth = Number(date.slice(8, 10));
    snapshots.push({
      date,
      takenAt: new Date(Date.parse(`${date}T00:05:00Z`) + DAY).toISOString(),
      subscribers: { byStatus, total: Object.values(byStatus).reduce((a, b) => a + b, 0) },
      patrons: {
        byStatus: patrons,
        byTier: Object.fromEntries(Object.entries(today.patrons.byTier).map(([tier, counts]) => [tier, scaled(counts)])),
        total: Object.values(patrons).reduce((a, b) => a + b, 0),
      },
      mrr: scaled(today.monthlyRecurringRevenue),
      contributions: { month, byCurrency: { eur: { amount: 1500 * dayOfMonth, count: dayOfMonth, refunded: 0 } } },
      joined: { subscribers: 80 + Math.floor(spread(back, 2) * 60), patrons: Math.floor(spread(back, 3) * 3) },
      churned: { subscribers: 30 + Math.floor(spread(back, 4) * 40), patrons: spread(back, 5) < 0.3 ? 1 : 0 },
    });
  }
  await inParallel(snapshots, 8, (snapshot) => Db.Stats.putSnapshot(snapshot));
}

export interface DashboardData {
  items: number;
  statuses: Record<Status, number>;
  patrons: number;
  digestIds: string[];
  /** The address of a patron, whose record the benchmark opens. */
  patronEmail: string;
  seconds: { subscribers: number; rest: number };
}

/** Seeds it all (on a table with `publish()`'s topics and articles); answers what it wrote and how long it took. */
export async function seedDashboard(options: { subscribers: number; patrons: number; days: number; digests: number }, now = new Date()): Promise<DashboardData> {
  const t0 = performance.now();
  const items = await seedSubscribers(options.subscribers, 0, 8, mixedSubscriber);
  const t1 = performance.now();
  console.log(`  ${items} items of subscribers in ${((t1 - t0) / 1000).toFixed(0)} s`);
  const indexes = patronIndexes(options.subscribers, options.patrons);
  await inParallel(indexes, 8, (i, n) => Db.Patrons.save(patronOf(i, n, now)));
  const digestIds: string[] = [];
  for (let week = 0; week < options.digests; week++) {
    const { digest } = await Digests.create({ frequency: "weekly", period: `2030-W${String(week + 20).padStart(2, "0")}` }, now);
    digestIds.push(digest.id);
  }
  const who = ["chief@newsroom.example", "writer@newsroom.example", "editor", "newsroom"];
  await inParallel(Array.from({ length: 120 }, (_, n) => n), 8, (n) =>
    Editors.Audit.record(
      { who: who[n % who.length]!, via: n % 2 ? "token" : "dashboard", action: n % 3 ? "GET /api/subscribers/{email}" : "POST /editor/topics/{id}/status", target: `person:bench${n}`, status: 200 },
      { now: new Date(now.getTime() - n * 3_600_000 * 5) },
    ),
  );
  console.log("  patrons, digests and the audit log written; a live count, then the snapshots…");
  await yearOfSnapshots(options.days, now);
  const statuses = Object.fromEntries(STATUS_MIX.map(([status]) => [status, 0])) as Record<Status, number>;
  for (let i = 0; i < options.subscribers; i++) statuses[statusOf(i)]++;
  return {
    items,
    statuses,
    patrons: indexes.length,
    digestIds,
    patronEmail: emailOf(indexes[0]!),
    seconds: { subscribers: (t1 - t0) / 1000, rest: (performance.now() - t1) / 1000 },
  };
}
