/** The editors' figures over time: what one day's snapshot holds (see product.md → Editors' dashboard). */
import type { MonthTotals } from "../contributions/types";
import type { PatronStatus } from "../patrons/types";
import type { Status } from "../subscribers/types";

/** The per-day counters kept with each status change that counts (core/stats/counted.ts says which). */
export const dayCounts = ["subscribersJoined", "subscribersChurned", "patronsJoined", "patronsChurned"] as const;
export type DayCount = (typeof dayCounts)[number];
export type DayCounts = Record<DayCount, number>;

/** Subscribers and patrons who joined (or left) on one day. */
export interface Movement {
  subscribers: number;
  patrons: number;
}

/** One UTC day's figures, as the schedule wrote them shortly after the day ended. */
export interface DaySnapshot {
  /** The UTC day, `yyyy-mm-dd`. */
  date: string;
  /** When the figures were taken (ISO): shortly after the day's end, or during it for a provisional snapshot. */
  takenAt: string;
  subscribers: { byStatus: Record<Status, number>; total: number };
  patrons: { byStatus: Record<PatronStatus, number>; byTier: Record<string, Record<PatronStatus, number>>; total: number };
  /** Monthly recurring revenue by currency, minor units (as `GET /api/stats` counts it). */
  mrr: Record<string, number>;
  /** The day's month's contributions so far (month to date, at the day's end) by currency, minor units. */
  contributions: { month: string; byCurrency: Record<string, MonthTotals> };
  joined: Movement;
  churned: Movement;
  /** Taken before the day ended (the local demo's "today"): the schedule's snapshot after midnight replaces it. */
  provisional?: boolean;
  /** Made up by the demo seed (`npm start`), never by the schedule. */
  demo?: boolean;
}
