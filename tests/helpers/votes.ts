/**
 * Checks of topic votes against the vote records themselves: a topic's tally is exactly the sum of its counted
 * votes (whatever their topic's status), and a patron's votes for open topics count as the ballot's places say
 * (`product.md` → Topic votes; `core/votes/places.ts`). Plus the way tests change a membership, as webhooks do.
 */
import { expect } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import { VisibleError } from "../../core/errors";
import type { Patron } from "../../core/patrons";
import * as Votes from "../../core/votes";

/** What the membership code does on a webhook: write the patron (versioned, retrying a lost race), then re-count. */
export async function changeMembership(subscriberId: string, change: Partial<Pick<Patron, "status" | "tierId">>, recounts = 1) {
  for (;;) {
    const before = (await Db.Patrons.get(subscriberId))!;
    try {
      await Db.Patrons.save({ ...before, ...change, version: before.version + 1 }, before);
      break;
    } catch (error) {
      if (!(error instanceof Db.WriteConflictError)) throw error;
    }
  }
  await Promise.all(Array.from({ length: recounts }, () => Votes.recount(subscriberId)));
}

/** A refusal's status and code, or undefined when the call succeeded. */
export async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string } | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof VisibleError) return { status: error.status, code: error.code };
    throw error;
  }
}

/** A topic's score and voters summed from its vote records that count. */
export async function countedSum(topicId: string): Promise<{ score: number; voters: number }> {
  const counted = (await Db.Votes.byTopic(topicId)).filter((vote) => vote.counted);
  return { score: counted.reduce((sum, vote) => sum + vote.weight, 0), voters: counted.length };
}

/** Every topic's tally equals the sum of its counted vote records (`label` names the run in a failure). */
export async function expectExactTallies(topicIds: readonly string[], label: unknown = "tallies") {
  const actual = await Promise.all(topicIds.map(async (topicId) => ({ topicId, ...(await Db.Topics.tally(topicId)) })));
  const expected = await Promise.all(topicIds.map(async (topicId) => ({ topicId, ...(await countedSum(topicId)) })));
  expect({ label, tallies: actual }).toEqual({ label, tallies: expected });
  return actual;
}

/**
 * A patron's votes for open topics: none count unless their votes do (`votesCount`); if they do, as many as the
 * limit allows count (no more), each with their tier's weight.
 */
export async function expectPlacesHeld(subscriberId: string, label: unknown = subscriberId) {
  const patron = await Db.Patrons.get(subscriberId);
  const { topicIds } = await Db.Votes.ballot(subscriberId);
  const open = [];
  for (const topicId of topicIds) {
    const [vote, topic] = await Promise.all([Db.Votes.get(topicId, subscriberId), Db.Topics.get(topicId)]);
    if (vote && topic?.status === "open") open.push(vote);
  }
  const counted = open.filter((vote) => vote.counted);
  const max = Config.get().MAX_VOTES_PER_PATRON;
  const should = Votes.votesCount(patron) ? Math.min(max, open.length) : 0;
  expect({ label, counted: counted.length }).toEqual({ label, counted: should });
  for (const vote of counted) expect({ label, weight: vote.weight }).toEqual({ label, weight: Votes.weightOf(patron!.tierId) });
}
