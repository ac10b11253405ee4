/**
 * Membership changes re-count a patron's votes: lapsing stops them counting (kept as history), rejoining restores
 * them, a tier change re-weights them. Each vote moves in a transaction conditioned on the vote as read and on the
 * patron's version, so a re-count run twice (a webhook processed twice) or racing a newer one changes tallies once,
 * and the last word is always the patron's current state.
 */
import * as Db from "../db";
import { log } from "../log";
import { votesCount } from "./types";
import { weightOf } from "./weight";

export interface RecountReport {
  subscriberId: string;
  /** Votes whose counting or weight changed. */
  changed: number;
}

/** Brings every vote of one patron in line with their membership now (idempotent). */
export async function recount(subscriberId: string, now = new Date()): Promise<RecountReport> {
  // Votes moved before a lost race stay moved (and counted in `changed`); the next attempt starts from what is there now.
  let changed = 0;
  const counted = await Db.retryWrite(`re-counting the votes of ${subscriberId}`, async () => {
    const patron = await Db.Patrons.get(subscriberId);
    const ballot = await Db.Votes.ballot(subscriberId);
    const counted = votesCount(patron);
    const tierId = patron?.tierId ?? "";
    const weight = patron ? weightOf(patron.tierId) : 0;
    for (const topicId of ballot.topicIds) {
      const vote = await Db.Votes.get(topicId, subscriberId);
      if (!vote) continue;
      const next = counted ? { counted, weight, tierId } : { counted, weight: vote.weight, tierId: vote.tierId };
      if (vote.counted === next.counted && vote.weight === next.weight && vote.tierId === next.tierId) continue;
      await Db.Votes.recount(vote, next, patron?.version, now.toISOString());
      changed++;
    }
    return counted;
  });
  if (changed > 0) log.info({ event: "votes.recounted", subscriberId, changed, counted }, "votes re-counted");
  return { subscriberId, changed };
}
