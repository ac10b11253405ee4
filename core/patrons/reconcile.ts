/**
 * Reconciliation: the patrons compared with Stripe once a day, in cycles that outlast any one Lambda invocation.
 * A cycle reads Stripe's live subscriptions (`active`, `trialing`, `past_due`, `unpaid`, `paused`), one list and
 * one page at a time, and syncs each patron that may differ and each customer with no patron yet
 * (`reconcile-pages.ts`); then it sweeps the paying patrons (`active`, `grace`, and `paused`) for those no live list showed
 * (their subscription ended, or is gone), and every patron still owed an email, and syncs those. Canceled
 * subscriptions, the bulk of an old account, are never listed: their lapsed patrons are not read again.
 *
 * Where a cycle stands is saved after every page (`Db.Reconciliation`), so an invocation works until its deadline
 * and the next one (the schedule runs often) goes on from there; a crash or timeout costs one page done twice,
 * which is harmless. A lease on that checkpoint keeps a second invocation off a cycle another is working. A
 * finished cycle rests until a day after it began; an invocation that finds it resting reads one item and stops.
 */
import { randomUUID } from "node:crypto";
import { ulid } from "ulid";
import * as Db from "../db";
import { log } from "../log";
import * as StripeApi from "../stripe";
import { reconcileLivePage, reconcileSweepPage, type Change, type PageOutcome } from "./reconcile-pages";
import type { PatronStatus } from "./types";

export type { Change } from "./reconcile-pages";

/** Counts over a cycle, invocation after invocation (a page done twice after a crash counts twice). */
export interface CycleTotals {
  invocations: number;
  /** Pages of Stripe's live lists read, and the subscriptions on them. */
  pages: number;
  subscriptions: number;
  /** Stripe customers holding a membership, counted on each page they appear on. */
  customers: number;
  /** Patrons read by the sweep. */
  swept: number;
  synced: number;
  changed: number;
  unmatched: number;
  failed: number;
}

/** A cycle and where it stands: the checkpoint, saved after every page. */
export interface Cycle {
  id: string;
  startedAt: string;
  finishedAt?: string;
  /** `live`: listing Stripe's subscriptions of `status`; `sweep`: reading the patrons of `status`. */
  phase: "live" | "sweep" | "done";
  status: string;
  /** Stripe's cursor in the list under way: the last subscription of the last page done. */
  startingAfter?: string;
  /** DynamoDB's cursor in the status partition under way. */
  sweepCursor?: Record<string, unknown>;
  totals: CycleTotals;
}

/** What one invocation did, and its cycle as it stands after it (`cycle.totals`: the whole cycle's counts). */
export interface ReconcileReport {
  /** Whether the cycle is finished (nothing left to do until the next one is due). */
  done: boolean;
  /** Why nothing was done: the last cycle is finished and the next not due yet, or another invocation works it. */
  idle?: "resting" | "leased";
  pages: number;
  subscriptions: number;
  customers: number;
  swept: number;
  synced: number;
  changed: Change[];
  /** Paying patrons no live list showed this cycle (a subscription ended, a customer deleted): synced. */
  unmatched: string[];
  failed: string[];
  cycle?: Cycle;
}

/** Stripe's statuses of a subscription that is still a membership, or still says something about one. */
export const LIVE_STATUSES = ["active", "trialing", "past_due", "unpaid", "paused"] as const;
/** Stripe's largest page. */
export const PAGE_SIZE = 100;
/** Patrons owed an email are few among many lapsed: their partitions are read in larger pages, filtered. */
const OWING_PAGE_SIZE = 1000;
/** A cycle begins at most this often (measured from when the last began). */
export const CYCLE_EVERY_MS = 24 * 60 * 60 * 1000;
/** The lease, renewed after every page: far longer than a page takes, short enough for a crash to cost little. */
export const LEASE_MS = 5 * 60 * 1000;

type Step = { phase: "live"; status: (typeof LIVE_STATUSES)[number] } | { phase: "sweep"; status: PatronStatus; owingEmail?: true };

/** A cycle's steps in order, each read page by page. */
const STEPS: readonly Step[] = [
  ...LIVE_STATUSES.map((status) => ({ phase: "live" as const, status })),
  { phase: "sweep", status: "active" },
  { phase: "sweep", status: "grace" },
  { phase: "sweep", status: "comped", owingEmail: true },
  { phase: "sweep", status: "lapsed", owingEmail: true },
  // A paused membership's subscription is live at Stripe (`active`): one no live list showed has ended meanwhile.
  { phase: "sweep", status: "paused" },
];

/**
 * Works the reconciliation cycle until `deadline` (epoch ms; a page at least, then no new page after it), or to its
 * end without one: starts a cycle when one is due, goes on with the one under way, or does nothing when the last is
 * resting or another invocation holds it. `now` is the time the membership rules are applied at.
 */
export async function reconcile(options: { now?: Date; deadline?: number } = {}): Promise<ReconcileReport> {
  const now = options.now ?? new Date();
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  const standing = await Db.Reconciliation.read();
  if (resting(standing.cycle, now)) return idle("resting", standing.cycle);
  if (standing.leaseUntil > Date.now()) return idle("leased", standing.cycle);

  const token = randomUUID();
  const leased = await Db.Reconciliation.lease(token, Date.now() + LEASE_MS, Date.now());
  if (!leased) return idle("leased", standing.cycle);
  try {
    // Another invocation may have finished the cycle between the read and the lease.
    if (resting(leased.cycle, now)) return idle("resting", leased.cycle);
    const cycle = leased.cycle && leased.cycle.phase !== "done" ? leased.cycle : begin(now);
    cycle.totals.invocations++;
    const report = { ...idle(undefined, cycle), done: false };
    do {
      await workPage(cycle, report, now);
      if (!(await Db.Reconciliation.save(cycle, token, Date.now() + LEASE_MS))) {
        log.warn({ event: "patrons.reconcile_lease_lost", cycleId: cycle.id }, "reconciliation lease lost: another invocation goes on");
        break;
      }
    } while (cycle.phase !== "done" && Date.now() < deadline);
    report.done = cycle.phase === "done";
    logReport(report, cycle);
    return report;
  } finally {
    await Db.Reconciliation.release(token).catch((error) =>
      log.error({ err: error, event: "patrons.reconcile_release_failed" }, "reconciliation lease not given back (it expires)"),
    );
  }
}

const resting = (cycle: Cycle | undefined, now: Date) =>
  cycle?.phase === "done" && now.getTime() < Date.parse(cycle.startedAt) + CYCLE_EVERY_MS;

function begin(now: Date): Cycle {
  const totals: CycleTotals = { invocations: 0, pages: 0, subscriptions: 0, customers: 0, swept: 0, synced: 0, changed: 0, unmatched: 0, failed: 0 };
  log.info({ event: "patrons.reconcile_started" }, "reconciliation cycle started");
  return { id: `rc_${ulid(now.getTime())}`, startedAt: now.toISOString(), phase: "live", status: STEPS[0]!.status, totals };
}

function idle(why: ReconcileReport["idle"], cycle: Cycle | undefined): ReconcileReport {
  const report: ReconcileReport = { done: cycle?.phase === "done", pages: 0, subscriptions: 0, customers: 0, swept: 0, synced: 0, changed: [], unmatched: [], failed: [] };
  return { ...report, ...(why && { idle: why }), ...(cycle && { cycle }) };
}

/** Does the next page of the cycle's step, and moves its cursor (to the next step after the last page). */
async function workPage(cycle: Cycle, report: ReconcileReport, now: Date): Promise<void> {
  let at = STEPS.findIndex((step) => step.phase === cycle.phase && step.status === cycle.status);
  if (at < 0) [at, cycle.phase, cycle.status] = [0, STEPS[0]!.phase, STEPS[0]!.status]; // steps changed since: start over
  const step = STEPS[at]!;
  let more: boolean;
  if (step.phase === "live") {
    const page = await (await StripeApi.stripe()).subscriptions.list({
      status: step.status,
      limit: PAGE_SIZE,
      ...(cycle.startingAfter && { starting_after: cycle.startingAfter }),
    });
    count(report, cycle, await reconcileLivePage(page.data, cycle.id, now), { pages: 1, subscriptions: page.data.length });
    cycle.startingAfter = page.has_more ? page.data.at(-1)?.id : undefined;
    more = cycle.startingAfter !== undefined;
  } else {
    const limit = step.owingEmail ? OWING_PAGE_SIZE : PAGE_SIZE;
    const { patrons, cursor } = await Db.Patrons.pageByStatus(step.status, { cursor: cycle.sweepCursor, limit, owingEmail: step.owingEmail });
    count(report, cycle, await reconcileSweepPage(patrons, cycle.id, now), { swept: patrons.length });
    cycle.sweepCursor = cursor;
    more = cursor !== undefined;
  }
  if (more) return;
  const next = STEPS[at + 1];
  [cycle.startingAfter, cycle.sweepCursor] = [undefined, undefined];
  if (next) [cycle.phase, cycle.status] = [next.phase, next.status];
  else [cycle.phase, cycle.finishedAt] = ["done", now.toISOString()];
}

/** Adds a page's outcome to the invocation's report and to the cycle's totals. */
function count(report: ReconcileReport, cycle: Cycle, outcome: PageOutcome, read: { pages?: number; subscriptions?: number; swept?: number }) {
  const { totals } = cycle;
  const add = { pages: 0, subscriptions: 0, swept: 0, ...read, customers: outcome.customers, synced: outcome.synced };
  for (const key of Object.keys(add) as Array<keyof typeof add>) {
    report[key] += add[key];
    totals[key] += add[key];
  }
  report.changed.push(...outcome.changed);
  report.unmatched.push(...outcome.unmatched);
  report.failed.push(...outcome.failed);
  totals.changed += outcome.changed.length;
  totals.unmatched += outcome.unmatched.length;
  totals.failed += outcome.failed.length;
}

function logReport(report: ReconcileReport, cycle: Cycle) {
  if (report.unmatched.length) {
    log.warn({ event: "patron.unmatched", subscriberIds: report.unmatched }, "paying patrons with no live membership at Stripe, synced");
  }
  const { done, pages, subscriptions, customers, swept, synced, changed, unmatched, failed } = report;
  log.info(
    {
      event: "patrons.reconciled",
      cycleId: cycle.id,
      ...{ done, pages, subscriptions, customers, swept, synced },
      ...{ changed: changed.length, unmatched: unmatched.length, failed: failed.length },
      cycle: cycle.totals,
    },
    report.done ? "reconciliation cycle done" : "reconciliation paused: the next run goes on",
  );
}
