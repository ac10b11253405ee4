/**
 * The dashboard's overview, as data: the figures now and over time (from the daily snapshots, `figures.ts`), the
 * sends in progress or paused (with their counts), and the next scheduled digests. Index queries only, never the
 * whole table.
 */
import * as Config from "../config";
import * as Db from "../db";
import { nextRuns, type NextRun } from "../digests/schedule";
import type { Digest } from "../digests/types";
import { figures, type Figures } from "./figures";

export interface Overview {
  sending: Digest[];
  paused: Digest[];
  /** Empty when digests are not scheduled (SCHEDULED_DIGESTS=off). */
  next: NextRun[];
  timezone: string;
  figures: Figures;
}

export async function overview(now = new Date()): Promise<Overview> {
  const config = Config.get();
  const [sending, paused, overTime] = await Promise.all([Db.Digests.withStatus("sending"), Db.Digests.withStatus("paused"), figures(now)]);
  return {
    sending,
    paused,
    next: config.SCHEDULED_DIGESTS === "on" ? nextRuns(now, config.TIDINGS_TIMEZONE) : [],
    timezone: config.TIDINGS_TIMEZONE,
    figures: overTime,
  };
}
