/**
 * Re-counting brings a patron's votes for open topics in line with their membership and their ballot's places
 * (`places.ts`): lapsing stops them counting (kept as history), rejoining restores them, a tier change re-weights
 * them, and a vote past the limit waits. Votes for closed or covered topics are left alone: those scores are final.
 *
 * It runs after every membership change, after a vote is withdrawn (a waiting vote may take the freed place), and
 * for every voter of a topic that opens or closes (`recountVoters`). Each vote moves in a transaction conditioned on
 * the vote as read, on the patron's and the ballot's versions and on its topic being open, so a re-count run twice
 * (a webhook processed twice) or racing a newer one changes tallies once, and the last word is always the state now.
 */
import * as Config from "../config";
import * as Db from "../db";
import { forEachLimit } from "../concurrency";
import { log } from "../log";
import { recountsDue, type HeldVote } from "./places";
import { votesCount } from "./types";

export interface RecountReport {
  subscriberId: string;
  /** Votes whose counting or weight changed. */
  changed: number;
}

/** Brings every vote of one patron for an open topic in line with their membership and ballot now (idempotent). */
export async function recount(subscriberId: string, now = new Date()): Promise<RecountReport> {
  return recountPatron(subscriberId, now);
}

/**
 * After a topic opened or closed: re-counts every voter of the topic. Reopening may put a voter past the limit (a
 * vote waits); closing frees a place (a waiting vote counts); an erased patron's anonymous vote, kept counting in a
 * closed topic's final score, stops counting once the topic is open again. Answers how many votes changed.
 */
export async function recountVoters(topicId: string, now = new Date()): Promise<number> {
  let changed = 0;
  await forEachLimit(await Db.Votes.byTopic(topicId), 8, async ({ subscriberId }) => {
    changed += (await recountPatron(subscriberId, now, topicId)).changed;
  });
  return changed;
}

/**
 * `topicId`, when given, is the topic whose status just changed. Then the ballot is claimed first (its version
 * moved): a vote being cast, or a re-count, that read the ballot (and so the topics' statuses) before the change
 * fails its transaction and reads again. Without it, a vote cast for another topic while this one was still closed
 * could count as a fourth vote for an open topic. Once is enough: what reads after the claim sees the change.
 */
async function recountPatron(subscriberId: string, now: Date, topicId?: string): Promise<RecountReport> {
  // Votes moved before a lost race stay moved (and counted in `changed`); the next attempt starts from what is there now.
  let changed = 0;
  let claimed = topicId === undefined;
  const at = now.toISOString();
  const counted = await Db.retryWrite(`re-counting the votes of ${subscriberId}`, async () => {
    let ballot = await Db.Votes.ballot(subscriberId);
    // Claiming again on every attempt would make two topics' re-counts of one patron invalidate each other forever.
    if (!claimed && ballot.version > 0) ballot = await Db.Votes.claimBallot(ballot, at);
    claimed = true;
    const patron = await Db.Patrons.get(subscriberId);
    // The changed topic's vote too, should it be on no ballot (an erased patron's, kept under an anonymous id).
    const topicIds = [...new Set([...ballot.topicIds, ...(topicId ? [topicId] : [])])];
    const held = await Promise.all(
      topicIds.map(async (id) => {
        const [vote, topic] = await Promise.all([Db.Votes.get(id, subscriberId), Db.Topics.get(id)]);
        return vote && topic ? { vote, topic } : undefined;
      }),
    );
    const due = recountsDue(patron, held.filter((h): h is HeldVote => h !== undefined), Config.get().MAX_VOTES_PER_PATRON);
    for (const { vote, next } of due) {
      await Db.Votes.recount(vote, next, patron?.version, ballot, at);
      changed++;
    }
    return votesCount(patron);
  });
  if (changed > 0) log.info({ event: "votes.recounted", subscriberId, changed, counted }, "votes re-counted");
  return { subscriberId, changed };
}
