/**
 * The data the digest template is rendered with, computed once per digest and variant, and shared by the
 * render-once path (`prepare`) and the reference path (`renderFull`) so both render the very same values.
 */
import * as Config from "../../config";
import * as I18n from "../../i18n";
import { inLanguage } from "../../topics/types";
import { oneLine, safeUrl } from "../../../templates/html";
import { automaticSubject, day, periodInWords } from "../words";
import { invitation, voteTopics, type VoteTopic } from "./patron-blocks";
import { stories, type Story } from "./stories";
import type { Outlet, Plan, PrepareInput } from "./types";

/** An article as its card shows it. */
export interface Card {
  url: string;
  title: string;
  author: string;
  summary: string;
  date: string;
  /** "In Ukrainian" when the story is not in the reader's language (no version of it in theirs), else "". */
  language: string;
}

export interface View {
  subject: string;
  /** The template values every reader of this variant shares. */
  shared: Record<string, unknown>;
  cards: Map<string, Card>;
  topicTitles: Map<string, string>;
  plan: Plan;
  voteTopics: VoteTopic[];
  issuedAt: Date;
}

export function outletFromConfig(): Outlet {
  const config = Config.get();
  return { name: config.OUTLET_NAME, postalAddress: config.POSTAL_ADDRESS };
}

/** The view of one variant in one language: every word in it from that language's catalogue, dates through Intl. */
export function view(input: PrepareInput): View {
  const { digest, variant } = input;
  const defaultLanguage = Config.readerLanguage(undefined);
  const language = Config.readerLanguage(input.language);
  const { t } = I18n.translator(language);
  const outlet = input.outlet ?? outletFromConfig();
  const own = language === defaultLanguage ? { subject: digest.subject, intro: digest.intro } : digest.translations?.[language];
  const subject = oneLine(own?.subject ?? "") || automaticSubject(digest, outlet.name, language);
  const period = periodInWords(digest.frequency, digest.period, language);
  const coveredBy = new Map<string, string[]>();
  for (const topic of input.topics) {
    for (const id of topic.articleIds) coveredBy.set(id, [...(coveredBy.get(id) ?? []), topic.id]);
  }
  const told = stories(input.articles, language, defaultLanguage);
  const topicTitles = new Map(input.topics.map((topic) => [topic.id, topicTitle(topic, language)]));
  const votes = variant === "patron" ? voteTopics(input.openTopics ?? [], language) : [];
  return {
    subject,
    shared: {
      subject,
      heading: subject,
      meta: digest.frequency === "daily" ? t("digest.meta.daily", { period }) : t("digest.meta.weekly", { period }),
      intro: paragraphs(own?.intro ?? ""),
      outlet: { name: outlet.name, postal_address: outlet.postalAddress },
      vote_topics: votes,
      invitation: variant === "free" ? invitation(input.tiers ?? [], language, digest.id) : null,
    },
    cards: new Map(told.map((story) => [story.article.id, card(story, language)])),
    topicTitles,
    plan: {
      variant,
      language,
      articles: told.map((story) => ({
        id: story.article.id,
        title: story.article.title,
        topics: story.topics,
        covers: [...new Set([...story.topics, ...story.versionIds.flatMap((id) => coveredBy.get(id) ?? [])])],
      })),
      topicTitles: Object.fromEntries(topicTitles),
    },
    voteTopics: votes,
    issuedAt: input.now ?? new Date(),
  };
}

function topicTitle(topic: PrepareInput["topics"][number], language: string): string {
  const { title } = inLanguage(topic, language);
  return title.trim() ? title : topic.id;
}

function card({ article, language: written }: Story, language: string): Card {
  const { t, languageName } = I18n.translator(language);
  return {
    url: safeUrl(article.url), // validated on the way in; checked again since it becomes a link
    title: article.title,
    author: article.author ?? "",
    summary: teaser(article.summary ?? ""),
    date: day(article.publishedAt, language),
    language: written === language ? "" : t("common.story.language", { language: languageName(written) }),
  };
}

/**
 * A card shows at most SUMMARY_LENGTH characters of the summary, cut at a word: a card is a teaser (the article
 * is one click away), and this keeps 30 articles with the longest summaries the API accepts under the 90 KB a
 * digest may weigh before Gmail clips it (and hides the footer with the unsubscribe link).
 */
export const SUMMARY_LENGTH = 500;

function teaser(summary: string): string {
  const chars = Array.from(summary); // by code point, so an emoji is never cut in half
  if (chars.length <= SUMMARY_LENGTH) return summary;
  const cut = chars.slice(0, SUMMARY_LENGTH - 1).join("");
  const space = cut.search(/\s\S*$/);
  return `${(space > SUMMARY_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The editor's intro as paragraphs: a blank line starts a new one. */
function paragraphs(intro: string): string[] {
  return intro
    .split(/\r?\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
}
