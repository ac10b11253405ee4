/** The data of the variant blocks: the patron invitation (free readers) and the vote block (patrons). */
import * as Config from "../../config";
import type { Tier } from "../../config";
import * as Money from "../../money";
import type { ScoredTopic } from "../../topics/types";

/** How many open topics the vote block shows. */
export const VOTE_TOPICS = 5;

/** `€5 a month`: the amount (in the currency's minor unit) in the currency's own number of decimals. */
export function price(tier: Pick<Tier, "amount" | "currency" | "interval">): string {
  return `${Money.format(tier.amount, tier.currency, { locale: "en" })} a ${tier.interval}`;
}

export interface Invitation {
  /** The price of a coffee: the cheapest monthly tier (or the cheapest tier if none is monthly). */
  coffee: string;
  join_url: string;
  tiers: { name: string; price: string; join_url: string }[];
}

const joinUrl = (tier: Tier) => `${Config.get().PUBLIC_URL}/join?tier=${encodeURIComponent(tier.id)}`;

/** The invitation, or null when no tier is configured (nothing to offer). */
export function invitation(tiers: Tier[]): Invitation | null {
  if (tiers.length === 0) return null;
  const cheapest = (list: Tier[]) => list.reduce((a, b) => (b.amount < a.amount ? b : a));
  const monthly = tiers.filter((tier) => tier.interval === "month");
  const coffee = cheapest(monthly.length ? monthly : tiers);
  return {
    coffee: price(coffee),
    join_url: joinUrl(coffee),
    tiers: tiers.map((tier) => ({ name: tier.name, price: price(tier), join_url: joinUrl(tier) })),
  };
}

export interface VoteTopic {
  id: string;
  title: string;
  /** Its score and voters, in words. */
  standing: string;
}

/** The top open topics by score (then voters, then title, so the order never depends on the input's). */
export function voteTopics(openTopics: ScoredTopic[]): VoteTopic[] {
  return openTopics
    .filter((topic) => topic.status === "open")
    .sort((a, b) => b.score - a.score || b.voters - a.voters || a.title.localeCompare(b.title, "en"))
    .slice(0, VOTE_TOPICS)
    .map((topic) => ({ id: topic.id, title: topic.title, standing: standing(topic) }));
}

function standing({ score, voters }: ScoredTopic): string {
  if (voters === 0) return "No votes yet";
  return `${score} ${score === 1 ? "point" : "points"} from ${voters} ${voters === 1 ? "patron" : "patrons"}`;
}
