/**
 * The dashboard's overview, as data: the sends in progress or paused (with their counts), and the next scheduled
 * digests. Reads only index queries, never the whole table: the figures over time come from the daily snapshots.
 */
import * as Config from "../config";
import * as Db from "../db";
import { nextRuns, type NextRun } from "../digests/schedule";
import type { Digest } from "../digests/types";

export interface Overview {
  sending: Digest[];
  paused: Digest[];
  /** Empty when digests are not scheduled (SCHEDULED_DIGESTS=off). */
  next: NextRun[];
  timezone: string;
}

export async function overview(now = new Date()): Promise<Overview> {
  const config = Config.get();
  const [sending, paused] = await Promise.all([Db.Digests.withStatus("sending"), Db.Digests.withStatus("paused")]);
  return {
    sending,
    paused,
    next: config.SCHEDULED_DIGESTS === "on" ? nextRuns(now, config.TIDINGS_TIMEZONE) : [],
    timezone: config.TIDINGS_TIMEZONE,
  };
}
