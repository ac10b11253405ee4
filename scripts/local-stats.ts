/**
 * Locally (`npm start`), the stats snapshot's schedule (`functions/cron/stats-snapshot.ts`, daily after midnight UTC
 * when deployed): yesterday's snapshot if it is missing, and a provisional one of today, at once and then every
 * `everyMs` (a minute), so the dashboard's charts end at today's figures as the demo changes them. A run starts
 * only after the previous one ended.
 */
import { log } from "../core/log";
import { runSchedule, snapshotToday } from "../core/stats/snapshot";

export function startLocalSnapshots(options: { everyMs?: number } = {}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = () => {
    running = runSchedule()
      .then(() => snapshotToday())
      .then(() => undefined)
      .catch((error) => log.error({ err: error, event: "stats.snapshot_failed" }, "stats snapshot failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(run, options.everyMs ?? 60_000);
      });
  };
  run();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
