/**
 * Demo data for `npm start`: the welcome series under way. Oksana (reading Ukrainian) confirmed a little over three
 * days ago, her welcome went out then, and her best-of is due: the lifecycle schedule (every 15 s under `npm start`)
 * puts it on the transactional queue and the worker sends it, in Ukrainian, to the local mail viewer. Idempotent: a
 * series is written once.
 */
import * as Db from "../core/db";
import * as Series from "../core/db/series";
import { seriesOf } from "../core/series";

const HOUR = 3_600_000;

/** Seeds one subscriber's series; returns a line worth printing. */
export async function seedSeries(now: Date): Promise<string> {
  const oksana = await Db.Subscribers.getByEmail("oksana@example.com");
  if (!oksana) return "no welcome series seeded (no oksana@example.com)";
  const confirmedAt = new Date(now.getTime() - 73 * HOUR);
  if (await Series.begin(seriesOf(oksana.id, confirmedAt, confirmedAt))) {
    await Series.settle(oksana.id, "welcome", { status: "sent", sesMessageId: "seeded" }, confirmedAt.toISOString());
  }
  return "Welcome series: oksana@example.com's best-of (day 3) is due; the lifecycle schedule sends it in Ukrainian";
}
