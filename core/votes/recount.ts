/**
 * Membership changes re-count a patron's votes: lapsing stops them counting (kept as history), rejoining restores
 * them, a tier change re-weights them. Each vote moves in a transaction conditioned on the vote as read and on the
 * patron's version, so a re-count run twice (a webhook processed twice) or racing a newer one changes tallies once,
 * and the last word is always the patron's current state.
 */
import * as Db from "../db";
import { log } from "../log";
import { votesCount } from "./types";
import { backoff, weightOf } from "./weight";

export interface RecountReport {
  subscriberId: string;
  /** Votes whose counting or weight changed. */
  changed: number;
}

const MAX_ATTEMPTS = 30;

/** Brings every vote of one patron in line with their membership now (idempotent). */
export async function recount(subscriberId: string, now = new Date()): Promise<RecountReport> {
  let changed = 0;
  for (let attempt = 1; ; attempt++) {
    const patron = await Db.Patrons.get(subscriberId);
    const ballot = await Db.Votes.ballot(subscriberId);
    const counted = votesCount(patron);
    const tierId = patron?.tierId ?? "";
    const weight = patron ? weightOf(patron.tierId) : 0;
    try {
      for (const topicId of ballot.topicIds) {
        const vote = await Db.Votes.get(topicId, subscriberId);
        if (!vote) continue;
        const next = counted ? { counted, weight, tierId } : { counted, weight: vote.weight, tierId: vote.tierId };
        if (vote.counted === next.counted && vote.weight === next.weight && vote.tierId === next.tierId) continue;
        await Db.Votes.recount(vote, next, patron?.version, now.toISOString());
        changed++;
      }
    } catch (error) {
      if (!(error instanceof Db.WriteConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      await backoff(attempt); // the patron or a vote moved meanwhile: start again from what is there now
      continue;
    }
    if (changed > 0) log.info({ event: "votes.recounted", subscriberId, changed, counted }, "votes re-counted");
    return { subscriberId, changed };
  }
}
