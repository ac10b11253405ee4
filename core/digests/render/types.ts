import type { Article } from "../../articles/types";
import type { Tier } from "../../config";
import type { ScoredTopic, Topic } from "../../topics/types";
import type { Digest, Variant } from "../types";

/** Who the email is from, as its header and footer show it (by default from the configuration). */
export interface Outlet {
  name: string;
  postalAddress: string;
}

/** Everything one digest's emails are made of; what is the same for every reader of one variant. */
export interface PrepareInput {
  digest: Pick<Digest, "id" | "frequency" | "period" | "subject" | "intro" | "translations">;
  /**
   * The covered articles, in any order (they are shown newest first): originals and their translations, each
   * story shown once, in `language` where it has a version in it (see stories.ts).
   */
  articles: Article[];
  /** The topics, for their titles and for which articles cover a topic (`articleIds`); unknown ids show as is. */
  topics: Pick<Topic, "id" | "title" | "articleIds" | "translations">[];
  variant: Variant;
  /** The readers' language (`LANGUAGES`); the default language when absent. */
  language?: string;
  /** Patron variant: the topics open for voting (the vote block shows the top ones by score). */
  openTopics?: ScoredTopic[];
  /** Free variant: the membership tiers the patron invitation offers. */
  tiers?: Tier[];
  outlet?: Outlet;
  /** When the vote links are issued (their 30 days run from here); by default, now. */
  now?: Date;
}

/** A reader's copy of a digest. */
export interface Personalised {
  subject: string;
  html: string;
  text: string;
  preheader: string;
}

/** A part rendered once: its HTML and its plain text. */
export interface Part {
  html: string;
  text: string;
}

/** A rendered string cut at its markers: `literals[0] + value(keys[0]) + literals[1] + …`. */
export interface Segments {
  literals: string[];
  keys: string[];
}

/** A story as selection needs it (one version of it, by that version's id): newest first in `Plan.articles`. */
export interface PlannedArticle {
  id: string;
  title: string;
  /**
   * Its topics, primary first: the section it appears in is the first of these the reader follows. A story's are
   * its original's, so it sits in the same section in every language.
   */
  topics: string[];
  /** The topics it covers for "You asked, we covered it": its own, and those whose `articleIds` name it. */
  covers: string[];
}

/** What a reader's selection is made from: one article per story, the version in `language` where there is one. */
export interface Plan {
  variant: Variant;
  language: string;
  articles: PlannedArticle[];
  /**
   * Topic titles in `language`, by id, for "You funded it, we covered it" notices (which carry the title as it was
   * written); absent in plans made before languages.
   */
  topicTitles?: Record<string, string>;
}

/**
 * A digest rendered once for one variant, ready to be personalised per reader by `personalise`. Plain data (it
 * survives JSON), so a sender may prepare once and reuse it for every batch of readers.
 */
export interface Prepared {
  digestId: string;
  variant: Variant;
  /** The language it is written in (its readers'): the email's Content-Language. */
  language: string;
  subject: string;
  /** ISO time the vote links are issued at. */
  issuedAt: string;
  plan: Plan;
  /** The whole email around the reader's articles, with markers for the personal values and the parts. */
  frame: { html: Segments; text: Segments };
  greeting: { named: { html: Segments; text: Segments }; anonymous: Part };
  /** A "You funded it, we covered it" notice, with markers for its topic's `title` and `url`. */
  funded: { html: Segments; text: Segments };
  /** By article id. */
  cards: Record<string, Part>;
  /** Headings of topic sections and of "You asked, we covered it" blocks, by topic id. */
  sectionHeads: Record<string, Part>;
  askedHeads: Record<string, Part>;
  /** The topics of the vote block, each needing a vote link per reader. */
  voteTopicIds: string[];
}
