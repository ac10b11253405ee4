/**
 * Locally (`npm start`), the stats snapshot's schedule (`functions/cron/stats-snapshot.ts`, daily after midnight UTC
 * when deployed): yesterday's snapshot if it is missing, and a provisional one of today, at once and then every
 * `everyMs` (a minute), so the dashboard's charts end at today's figures as the demo changes them. A run starts
 * only after the previous one ended.
 */
import { runSchedule, snapshotToday } from "../core/stats/snapshot";
import { repeating } from "./local-worker";

export function startLocalSnapshots(options: { everyMs?: number } = {}) {
  return repeating(() => runSchedule().then(() => snapshotToday()), options.everyMs ?? 60_000, "stats.snapshot_failed");
}
