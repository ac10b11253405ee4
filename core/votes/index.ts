/**
 * Topic votes (see `product.md` → Topic votes): eligible patrons vote for open topics with their tier's weight;
 * membership changes re-count their votes (`recount`). Scores live on sharded tallies, changed only in the same
 * transaction as the vote record they follow (`core/db/votes.ts`).
 */
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { log } from "../log";
import { isEligible, type Patron } from "../patrons/types";
import type { ScoredTopic, Topic } from "../topics/types";
import { recount } from "./recount";
import { CAN_VOTE, type Vote } from "./types";
import { weightOf } from "./weight";

export { CAN_VOTE, votesCount, type Ballot, type Vote } from "./types";
export { recount, recountVoters, type RecountReport } from "./recount";
export { weightOf } from "./weight";
export { votesOf, type PatronVote } from "./patron-votes";
export { byTier, overTime, type TierScore, type VotesOverTime } from "./summary";

async function scored(topic: Topic): Promise<ScoredTopic> {
  const { id, title, description, status, translations } = topic;
  return { id, title, description, status, ...(translations && { translations }), ...(await Db.Topics.tally(id)) };
}

function assertCanVote(patron: Patron | undefined) {
  if (isEligible(patron)) return;
  const message =
    patron?.status === "grace"
      ? "Your membership's payment is overdue: your votes still count, but new votes wait until it is settled."
      : "Only active patrons can vote.";
  throw new VisibleError("forbidden", "not_eligible", message);
}

/**
 * The topic a vote (or a vote link's page) is for: 404 `not_found` when there is none or it is only proposed.
 * Closed and covered topics are returned: voting on them is refused later, with a reason.
 */
export async function openTopic(topicId: string): Promise<Topic> {
  const topic = await Db.Topics.get(topicId);
  if (!topic || topic.status === "proposed") throw new VisibleError("not_found", "not_found", "No such topic.");
  return topic;
}

/**
 * Casts a patron's vote for an open topic, with their tier's weight. Voting again for the same topic changes
 * nothing. Refuses (403 `not_eligible`) a patron who isn't `active` or `comped`, (409 `topic_not_open`) a topic
 * not open for votes and (409 `vote_limit`) a vote past `MAX_VOTES_PER_PATRON` open topics: votes for closed or
 * covered topics take no place, votes waiting for one since their topic reopened do (`places.ts`).
 */
export async function vote(subscriberId: string, topicId: string, now = new Date()): Promise<ScoredTopic> {
  // The patron, the topic or the ballot may change meanwhile: then the cast fails, and all is read and decided again.
  return Db.retryWrite(`vote of ${subscriberId} for ${topicId}`, async () => {
    const topic = await openTopic(topicId);
    if (await Db.Votes.get(topicId, subscriberId)) return scored(topic);
    const patron = await Db.Patrons.get(subscriberId);
    assertCanVote(patron);
    if (topic.status !== "open") throw new VisibleError("conflict", "topic_not_open", "This topic is not open for votes.");
    const ballot = await Db.Votes.ballot(subscriberId);
    const others = await Promise.all(ballot.topicIds.filter((id) => id !== topicId).map((id) => Db.Topics.get(id)));
    const { MAX_VOTES_PER_PATRON } = Config.get();
    if (others.filter((other) => other?.status === "open").length >= MAX_VOTES_PER_PATRON) {
      throw new VisibleError("conflict", "vote_limit", `You can vote for up to ${MAX_VOTES_PER_PATRON} open topics at a time.`);
    }
    const at = now.toISOString();
    const record: Vote = { subscriberId, topicId, tierId: patron!.tierId, weight: weightOf(patron!.tierId), counted: true, createdAt: at, updatedAt: at };
    await Db.Votes.cast(record, ballot, CAN_VOTE);
    log.info({ event: "vote.cast", subscriberId, topicId, weight: record.weight }, "vote cast");
    return scored(topic);
  });
}

/**
 * Withdraws a patron's vote for an open topic (whatever their membership); withdrawing a vote never cast changes
 * nothing. A vote for a closed or covered topic is part of its final score and takes no place on the ballot, so
 * withdrawing it would only rewrite history: refused (409 `topic_not_open`), changing nothing. The freed place may
 * go to a vote waiting for one (`places.ts`).
 */
export async function unvote(subscriberId: string, topicId: string, now = new Date()): Promise<ScoredTopic> {
  const { topic, withdrawn } = await Db.retryWrite(`withdrawing the vote of ${subscriberId} for ${topicId}`, async () => {
    const topic = await openTopic(topicId);
    const existing = await Db.Votes.get(topicId, subscriberId);
    if (!existing) return { topic, withdrawn: false };
    if (topic.status !== "open") {
      throw new VisibleError("conflict", "topic_not_open", "Voting on this topic has closed: its score is final, and your vote stays part of it.");
    }
    await Db.Votes.retract(existing, await Db.Votes.ballot(subscriberId), now.toISOString());
    return { topic, withdrawn: true };
  });
  if (withdrawn) log.info({ event: "vote.withdrawn", subscriberId, topicId }, "vote withdrawn");
  // Even when there was nothing to withdraw: a retry after a failure here still lets a waiting vote take the place.
  await recount(subscriberId, now);
  return scored(topic);
}

/** An editor's view of a topic's votes: counted score and voters by tier, and every vote (history included). */
export async function results(topicId: string) {
  const topic = await Db.Topics.get(topicId);
  if (!topic) throw new VisibleError("not_found", "not_found", "No such topic.");
  const votes = await Db.Votes.byTopic(topicId);
  const byTier: Record<string, { score: number; voters: number }> = {};
  for (const v of votes.filter((v) => v.counted)) {
    const tier = (byTier[v.tierId] ??= { score: 0, voters: 0 });
    tier.score += v.weight;
    tier.voters += 1;
  }
  return {
    topic: await scored(topic),
    byTier: Object.entries(byTier).map(([tierId, sums]) => ({ tierId, ...sums })),
    voters: votes.map(({ subscriberId, tierId, weight, counted, createdAt }) => ({ subscriberId, tierId, weight, counted, createdAt })),
  };
}
export { fromVoteToken, voteToken } from "./links";

/** The language of the patron a vote link was sent to (their digest's), so that its pages speak it; none if gone. */
export async function voterLanguage(subscriberId: string): Promise<string | undefined> {
  return (await Db.Subscribers.get(subscriberId))?.language;
}
