/** The data of the variant blocks: the patron invitation (free readers) and the vote block (patrons). */
import * as Config from "../../config";
import type { Tier } from "../../config";
import * as I18n from "../../i18n";
import * as Money from "../../money";
import { withSource } from "../../stats/attribution";
import { inLanguage, type ScoredTopic } from "../../topics/types";

/** How many open topics the vote block shows. */
export const VOTE_TOPICS = 5;

/**
 * `€5 a month`, `5 € на місяць`: the amount (in the currency's minor unit) in the currency's own number of decimals,
 * written as the language writes money.
 */
export function price(tier: Pick<Tier, "amount" | "currency" | "interval">, language = I18n.SOURCE): string {
  const amount = Money.format(tier.amount, tier.currency, { language });
  return I18n.translator(language).t("digest.invitation.price", { price: amount, interval: tier.interval });
}

export interface Invitation {
  /** The price of a coffee: the cheapest monthly tier (or the cheapest tier if none is monthly). */
  coffee: string;
  join_url: string;
  tiers: { name: string; price: string; join_url: string }[];
}

/**
 * A tier's join link from a digest, carrying `src=digest:<id>` (attribution): the digest's, not the reader's, so it
 * is rendered once per variant like the rest of the block.
 */
const joinLink = (digestId: string | undefined) => (tier: Tier) => {
  const url = `${Config.get().PUBLIC_URL}/join?tier=${encodeURIComponent(tier.id)}`;
  return digestId ? withSource(url, `digest:${digestId}`) : url;
};

/** The invitation in `language`, or null when no tier is configured (nothing to offer). */
export function invitation(tiers: Tier[], language: string, digestId?: string): Invitation | null {
  if (tiers.length === 0) return null;
  const joinUrl = joinLink(digestId);
  const cheapest = (list: Tier[]) => list.reduce((a, b) => (b.amount < a.amount ? b : a));
  const monthly = tiers.filter((tier) => tier.interval === "month");
  const coffee = cheapest(monthly.length ? monthly : tiers);
  return {
    coffee: price(coffee, language),
    join_url: joinUrl(coffee),
    tiers: tiers.map((tier) => ({ name: Config.tierName(tier, language), price: price(tier, language), join_url: joinUrl(tier) })),
  };
}

export interface VoteTopic {
  id: string;
  title: string;
  /** Its score and voters, in words. */
  standing: string;
}

/**
 * The top open topics by score (then voters, then title, so the order never depends on the input's), titled and
 * their standing written in `language`. The same topics in every language: ties are broken by the title as written.
 */
export function voteTopics(openTopics: ScoredTopic[], language: string): VoteTopic[] {
  return openTopics
    .filter((topic) => topic.status === "open")
    .sort((a, b) => b.score - a.score || b.voters - a.voters || a.title.localeCompare(b.title, "en"))
    .slice(0, VOTE_TOPICS)
    .map((topic) => ({ id: topic.id, title: inLanguage(topic, language).title, standing: standing(topic, language) }));
}

/** "17 points from 9 patrons", "17 балів від 9 патронів": plurals from the catalogue. */
function standing({ score, voters }: ScoredTopic, language: string): string {
  const { t } = I18n.translator(language);
  return voters === 0 ? t("digest.vote.none") : t("digest.vote.standing", { score, voters });
}
