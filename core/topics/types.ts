export const topicStatuses = ["proposed", "open", "closed", "covered"] as const;
export type TopicStatus = (typeof topicStatuses)[number];

/** A subject readers follow and patrons vote on; its id is an editor-chosen slug (`climate`). */
export interface Topic {
  id: string;
  /** In the default language (the first of `LANGUAGES`); `translations` give it in others. */
  title: string;
  description?: string;
  /** Its title (and description) in languages other than the default, by language code. */
  translations?: Record<string, TopicTranslation>;
  status: TopicStatus;
  articleIds: string[];
  /** The patron who proposed it (a `proposed` topic, until an editor opens it). */
  proposedBy?: string;
  /**
   * When it last became open (absent on topics opened before this was kept: then `createdAt`). A vote takes its
   * place on the patron's ballot from then, or from when it was cast if later (see `core/votes/places.ts`).
   */
  openedAt?: string;
  /** What an editor hopes contributions towards it raise, in CONTRIBUTION_CURRENCY's minor unit (none: no goal). */
  fundingGoal?: number;
  createdAt: string;
  updatedAt: string;
}

export interface TopicTranslation {
  title: string;
  description?: string;
}

/**
 * A topic's title and description in `language`: its translation where it has one, else as written (in the
 * default language). Every page and email that names a topic names it through this.
 */
export function inLanguage<T extends Pick<Topic, "title" | "description" | "translations">>(
  topic: T,
  language: string | undefined,
): { title: string; description?: string } {
  const translation = language ? topic.translations?.[language] : undefined;
  if (translation) return { title: translation.title, description: translation.description ?? topic.description };
  return { title: topic.title, description: topic.description };
}

export const TOPIC_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A topic as readers see it: with its score (sum of eligible patrons' vote weights) and number of voters. */
export interface ScoredTopic extends Pick<Topic, "id" | "title" | "description" | "status" | "translations"> {
  score: number;
  voters: number;
  /** For a topic with a funding goal: how far contributions towards it have come. */
  funding?: Funding;
}

/**
 * How far contributions towards a topic have come: `raised` is what they paid, net of refunds (fees covered
 * included), in `currency`'s minor unit; `contributors` counts payments, not people (a reader who gives twice counts
 * twice; one refunded in full no longer counts). `goal` is null for a topic without one.
 */
export interface Funding {
  goal: number | null;
  raised: number;
  contributors: number;
  currency: string;
}

/** The largest funding goal an editor may set: 10,000,000.00 in the currency's major unit. */
export const FUNDING_GOAL_MAX = 1_000_000_000;
