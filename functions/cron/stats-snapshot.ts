import { runSchedule } from "../../core/stats/snapshot";

/**
 * Writes the snapshot of the UTC day that just ended (the editors' figures over time), once: a retry leaves the
 * first run's item. Its event is CronV2's input ({}), not an EventBridge ScheduledEvent.
 */
export async function handler(_event: Record<string, unknown>): Promise<{ date: string; written: boolean }> {
  return runSchedule();
}
