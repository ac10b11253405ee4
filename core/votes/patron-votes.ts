import * as Db from "../db";
import type { ScoredTopic } from "../topics/types";
import { votesCount } from "./types";

/** A topic a patron holds a vote for, as their account and the topics page show it. */
export interface PatronVote extends ScoredTopic {
  /** Whether the vote counts now (it stops while the membership has lapsed, and counts again on rejoining). */
  counted: boolean;
  /**
   * Whether it waits for a place on the ballot: its topic reopened while the patron held the most votes for open
   * topics they may (`places.ts`); it counts once they withdraw another.
   */
  waiting: boolean;
}

/**
 * The topics a patron holds a vote for (their ballot), with each topic's score and whether the patron's vote
 * counts now; highest score first. Topics gone from the table are left out.
 */
export async function votesOf(subscriberId: string): Promise<PatronVote[]> {
  const [{ topicIds }, patron] = await Promise.all([Db.Votes.ballot(subscriberId), Db.Patrons.get(subscriberId)]);
  const found = await Promise.all(
    topicIds.map(async (topicId): Promise<PatronVote | undefined> => {
      const [topic, vote, tally] = await Promise.all([Db.Topics.get(topicId), Db.Votes.get(topicId, subscriberId), Db.Topics.tally(topicId)]);
      if (!topic || !vote) return undefined;
      const { id, title, description, status, translations } = topic;
      const waiting = status === "open" && !vote.counted && votesCount(patron);
      return { id, title, description, status, ...(translations && { translations }), ...tally, counted: vote.counted, waiting };
    }),
  );
  return found.filter((vote) => vote !== undefined).sort((a, b) => b.score - a.score || a.title.localeCompare(b.title));
}
