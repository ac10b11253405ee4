/**
 * The places on a patron's ballot: `MAX_VOTES_PER_PATRON` limits votes for *open* topics. A vote for a closed or
 * covered topic takes no place (its topic's score is final history), so closing a topic frees a place for a new
 * vote. Reopening it may then leave a patron with more votes for open topics than places: the votes that took their
 * place last (the reopened topic's, unless the patron has since voted more) wait, kept but not counted like a
 * lapsed patron's, until the patron withdraws another vote or another of their topics closes. A newsroom reopening
 * a topic never takes away a vote a patron cast since, and nobody's say grows past the limit.
 *
 * This is the whole rule, a function of what a re-count reads (patron, votes, their topics), so every re-count run
 * after the last change decides the same; `recount.ts` says when they run.
 */
import type { Patron } from "../patrons/types";
import type { Topic } from "../topics/types";
import { votesCount, type Vote } from "./types";
import { weightOf } from "./weight";

/** A patron's vote with its topic, as a re-count reads them. */
export interface HeldVote {
  vote: Vote;
  topic: Topic;
}

export type Counting = Pick<Vote, "counted" | "weight" | "tierId">;

/** When a vote took its place: when it was cast, or when its topic last (re)opened, whichever is later. */
export function placedAt({ vote, topic }: HeldVote): string {
  const opened = topic.openedAt ?? topic.createdAt;
  return opened > vote.createdAt ? opened : vote.createdAt;
}

/** The topic ids whose vote holds a place: of the votes for open topics, the `max` that took their place first. */
export function holdingPlaces(held: readonly HeldVote[], max: number): Set<string> {
  const live = held
    .filter(({ topic }) => topic.status === "open")
    .sort((a, b) => placedAt(a).localeCompare(placedAt(b)) || a.topic.id.localeCompare(b.topic.id));
  return new Set(live.slice(0, max).map(({ topic }) => topic.id));
}

/**
 * The votes for open topics that count otherwise than they should, each with how it should: with the tier's weight
 * when the patron's votes count and the vote holds a place, else not at all (weight and tier kept as history).
 * Votes for topics not open are never changed. Those that stop counting come first, so that a patron never counts
 * more than `max` votes at once, even between the writes.
 */
export function recountsDue(patron: Patron | undefined, held: readonly HeldVote[], max: number): Array<{ vote: Vote; next: Counting }> {
  const holding = holdingPlaces(held, max);
  const due = held
    .filter(({ topic }) => topic.status === "open")
    .map(({ vote, topic }) => {
      const counts = votesCount(patron) && holding.has(topic.id);
      const next: Counting = counts
        ? { counted: true, weight: weightOf(patron!.tierId), tierId: patron!.tierId }
        : { counted: false, weight: vote.weight, tierId: vote.tierId };
      return { vote, next };
    })
    .filter(({ vote, next }) => vote.counted !== next.counted || vote.weight !== next.weight || vote.tierId !== next.tierId);
  return due.sort((a, b) => Number(a.next.counted) - Number(b.next.counted));
}
