/**
 * The lifecycle schedule (hourly when deployed, `functions/cron/lifecycle.ts`; every few seconds under `npm start`):
 * the emails that keep patrons and readers, each due by the clock and each sent once. Every job reads only what is
 * due from an index, a page at a time, never the whole table:
 * - reminders before a grace period ends (`core/patrons/reminders.ts`);
 * - win-back, `WINBACK_DAYS` after a membership lapsed (`core/patrons/winback.ts`);
 * - the welcome series' due steps (`core/series`).
 * One job failing does not stop the others; the run then fails, so the schedule's retry runs it again (each job is
 * safe to run twice).
 */
import { log } from "../log";
import { remindGrace } from "../patrons/reminders";
import { winBack } from "../patrons/winback";
import { runSeries } from "../series/schedule";

export interface LifecycleReport {
  reminders: unknown;
  winBack: unknown;
  series: unknown;
}

export async function runLifecycle(now = new Date()): Promise<LifecycleReport> {
  const failures: unknown[] = [];
  const attempt = async <T>(name: string, job: () => Promise<T>): Promise<T | { failed: string }> => {
    try {
      return await job();
    } catch (error) {
      log.error({ err: error, event: "lifecycle.failed", job: name }, `lifecycle job ${name} failed`);
      failures.push(error);
      return { failed: String(error) };
    }
  };
  const report: LifecycleReport = {
    reminders: await attempt("reminders", () => remindGrace(now)),
    winBack: await attempt("win-back", () => winBack(now)),
    series: await attempt("series", () => runSeries(now)),
  };
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} lifecycle job(s) failed`);
  return report;
}
