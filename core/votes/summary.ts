/**
 * A topic's votes summed up for editors, from its vote records (one query on the topic's partition, never a scan):
 * the counted score and voters by tier, and the votes over time. The vote records keep when each vote was cast
 * (`createdAt`) but not its history: a withdrawn vote leaves no record, and a vote that stopped counting (its patron
 * lapsed) or counts again says only when it last changed. So "over time" is when the votes held now were cast, by
 * day, not the count each past day showed.
 */
import * as Config from "../config";
import type { Vote } from "./types";

export interface TierScore {
  tierId: string;
  /** The tier's name as configured (its id, for a tier no longer configured). */
  tierName: string;
  score: number;
  voters: number;
}

/** Score and voters by tier of the votes that count now, as the tallies count them (each vote's own weight). */
export function byTier(votes: readonly Vote[]): TierScore[] {
  const { TIERS } = Config.get();
  const sums = new Map<string, { score: number; voters: number }>();
  for (const vote of votes) {
    if (!vote.counted) continue;
    const sum = sums.get(vote.tierId) ?? { score: 0, voters: 0 };
    sums.set(vote.tierId, { score: sum.score + vote.weight, voters: sum.voters + 1 });
  }
  const order = (tierId: string) => {
    const index = TIERS.findIndex((tier) => tier.id === tierId);
    return index === -1 ? TIERS.length : index;
  };
  return [...sums.entries()]
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([tierId, sum]) => ({ tierId, tierName: TIERS.find((tier) => tier.id === tierId)?.name ?? tierId, ...sum }));
}

export interface VotesOverTime {
  /** `YYYY-MM-DD` (UTC), oldest first, ending today. */
  days: string[];
  /** Votes held now that had been cast by the end of each day (those cast before the first day included). */
  cast: number[];
  /** Of them, those that count now. */
  counting: number[];
}

/** The votes held now, cumulative by the day they were cast, over the last `days` days (UTC). */
export function overTime(votes: readonly Vote[], now = new Date(), days = 90): VotesOverTime {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const labels = Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
  const castOn = votes.map((vote) => ({ day: vote.createdAt.slice(0, 10), counted: vote.counted }));
  return {
    days: labels,
    cast: labels.map((day) => castOn.filter((vote) => vote.day <= day).length),
    counting: labels.map((day) => castOn.filter((vote) => vote.counted && vote.day <= day).length),
  };
}
