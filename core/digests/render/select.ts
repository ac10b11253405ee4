/**
 * Which articles one reader gets, and in what order: the same for the assembled and the fully rendered email.
 *
 * - A reader who gave towards topics now covered gets a "You funded it, we covered it" notice for each first
 *   (linking to what was published, in this digest or not): a digest with nothing else for them still goes.
 * - A patron who voted for topics this digest covers gets those first, one "You asked, we covered it" block per
 *   topic, whether or not they follow it (they asked for it).
 * - Then one section per followed topic (all topics when they follow none), sections ordered by their newest
 *   article, articles newest first.
 * - Every article appears once: an article on several followed topics appears in the section of the first of its
 *   topics (the editor lists the primary one first) that the reader follows, and an article already shown under
 *   "You asked" is not repeated in a section.
 */
import type { FundedNotice } from "../../db/funded-notices";
import type { Recipient } from "../types";
import { normalName } from "./personal";
import type { Plan } from "./types";

export interface Group {
  topicId: string;
  articleIds: string[];
}

export interface Selection {
  /** Titles as one line (what the text conversion leaves unchanged, so both ways of rendering agree). */
  funded: FundedNotice[];
  asked: Group[];
  sections: Group[];
  /** Every selected article in reading order. */
  articleIds: string[];
}

/** The reader's selection, or null when they have nothing to read (they are skipped, never sent an empty email). */
export function select(plan: Plan, recipient: Pick<Recipient, "topics" | "votedTopicIds" | "funded">): Selection | null {
  // A notice names its topic in the plan's language where the digest knows the topic, else as it was written.
  const funded = (recipient.funded ?? []).map((notice) => ({ ...notice, title: normalName(plan.topicTitles?.[notice.topicId] ?? notice.title) }));
  const shown = new Set<string>();
  const voted = new Set(plan.variant === "patron" ? (recipient.votedTopicIds ?? []) : []);
  const asked = group(plan, shown, (article) => article.covers.find((topic) => voted.has(topic)));

  const followed = new Set(recipient.topics);
  const followsAll = followed.size === 0;
  const sections = group(plan, shown, (article) => article.topics.find((topic) => followsAll || followed.has(topic)));

  if (funded.length === 0 && asked.length === 0 && sections.length === 0) return null;
  const articleIds = [...asked, ...sections].flatMap((g) => g.articleIds);
  return { funded, asked, sections, articleIds };
}

/** Groups the articles not yet shown by the topic `home` gives them (none: left out), in order of appearance. */
function group(plan: Plan, shown: Set<string>, home: (article: Plan["articles"][number]) => string | undefined): Group[] {
  const groups = new Map<string, Group>();
  for (const article of plan.articles) {
    if (shown.has(article.id)) continue;
    const topicId = home(article);
    if (topicId === undefined) continue;
    shown.add(article.id);
    const existing = groups.get(topicId);
    if (existing) existing.articleIds.push(article.id);
    else groups.set(topicId, { topicId, articleIds: [article.id] });
  }
  return [...groups.values()];
}
