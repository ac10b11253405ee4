/**
 * Digest periods: an ISO date for daily digests (`2026-11-30`), an ISO week for weekly ones (`2026-W48`).
 * All in UTC.
 */
import type { Frequency } from "../subscribers/types";

const DAY = 86_400_000;

/** The ISO week (`2026-W48`) a UTC day falls in: weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  const thursday = new Date(day.getTime() + (4 - weekday) * DAY);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((thursday.getTime() - yearStart) / DAY + 1) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

export function currentPeriod(frequency: Frequency, now = new Date()): string {
  return frequency === "daily" ? now.toISOString().slice(0, 10) : isoWeek(now);
}

/** Whether `period` is a real period of that frequency (a date that exists; a week the year has). */
export function isValidPeriod(frequency: Frequency, period: string): boolean {
  if (frequency === "daily") {
    const parsed = new Date(`${period}T00:00:00Z`);
    return /^\d{4}-\d{2}-\d{2}$/.test(period) && !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(period);
  }
  const match = /^(\d{4})-W(\d{2})$/.exec(period);
  if (!match) return false;
  const week = Number(match[2]);
  // A year has week 53 when Dec 28 (always in the last week) falls in week 53.
  const weeks = Number(isoWeek(new Date(Date.UTC(Number(match[1]), 11, 28))).slice(-2));
  return week >= 1 && week <= weeks;
}

/** How far back the first digest of a frequency looks. */
export const firstWindow = (frequency: Frequency) => (frequency === "daily" ? DAY : 7 * DAY);

/** The Monday and Sunday (UTC midnight) of an ISO week (`2026-W49`), or undefined for anything else. */
export function weekDays(period: string): { monday: Date; sunday: Date } | undefined {
  const match = /^(\d{4})-W(\d{2})$/.exec(period);
  if (!match) return undefined;
  // January 4th is always in week 1; its week's Monday starts week 1.
  const january4 = Date.UTC(Number(match[1]), 0, 4);
  const weekOne = january4 - ((new Date(january4).getUTCDay() || 7) - 1) * DAY;
  const monday = new Date(weekOne + (Number(match[2]) - 1) * 7 * DAY);
  return { monday, sunday: new Date(monday.getTime() + 6 * DAY) };
}
