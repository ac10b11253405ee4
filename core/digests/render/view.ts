/**
 * The data the digest template is rendered with, computed once per digest and variant, and shared by the
 * render-once path (`prepare`) and the reference path (`renderFull`) so both render the very same values.
 */
import * as Config from "../../config";
import { oneLine, safeUrl } from "../../../templates/html";
import { invitation, voteTopics, type VoteTopic } from "./patron-blocks";
import type { Outlet, Plan, PrepareInput } from "./types";

/** An article as its card shows it. */
export interface Card {
  url: string;
  title: string;
  author: string;
  summary: string;
  date: string;
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

const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

export function outletFromConfig(): Outlet {
  const config = Config.get();
  return { name: config.OUTLET_NAME, postalAddress: config.POSTAL_ADDRESS };
}

export function view(input: PrepareInput): View {
  const { digest, variant } = input;
  const outlet = input.outlet ?? outletFromConfig();
  const subject = oneLine(digest.subject) || `${outlet.name}: your ${digest.frequency} digest`;
  // Newest first; the id breaks ties so that the order never depends on the input's.
  const articles = [...input.articles].sort(
    (a, b) => b.publishedAt.localeCompare(a.publishedAt) || a.id.localeCompare(b.id),
  );
  const coveredBy = new Map<string, string[]>();
  for (const topic of input.topics) {
    for (const id of topic.articleIds) coveredBy.set(id, [...(coveredBy.get(id) ?? []), topic.id]);
  }
  const votes = variant === "patron" ? voteTopics(input.openTopics ?? []) : [];
  return {
    subject,
    shared: {
      subject,
      heading: subject,
      meta: `${digest.frequency === "daily" ? "Daily" : "Weekly"} digest · ${periodLabel(digest.frequency, digest.period)}`,
      intro: paragraphs(digest.intro ?? ""),
      outlet: { name: outlet.name, postal_address: outlet.postalAddress },
      vote_topics: votes,
      invitation: variant === "free" ? invitation(input.tiers ?? []) : null,
    },
    cards: new Map(articles.map((article) => [article.id, card(article)])),
    topicTitles: new Map(input.topics.map((topic) => [topic.id, topic.title.trim() ? topic.title : topic.id])),
    plan: {
      variant,
      articles: articles.map((article) => ({
        id: article.id,
        title: article.title,
        topics: article.topics,
        covers: [...new Set([...article.topics, ...(coveredBy.get(article.id) ?? [])])],
      })),
    },
    voteTopics: votes,
    issuedAt: input.now ?? new Date(),
  };
}

function card(article: PrepareInput["articles"][number]): Card {
  return {
    url: safeUrl(article.url), // validated on the way in; checked again since it becomes a link
    title: article.title,
    author: article.author ?? "",
    summary: teaser(article.summary ?? ""),
    date: dateFormat.format(new Date(article.publishedAt)),
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

function periodLabel(frequency: string, period: string): string {
  const week = /^(\d{4})-W(\d{2})$/.exec(period);
  if (frequency === "weekly" && week) return `week ${Number(week[2])} of ${week[1]}`;
  const day = new Date(`${period}T00:00:00Z`);
  return Number.isNaN(day.getTime()) ? period : dateFormat.format(day);
}
