/** Topics: what readers follow and patrons vote on (see `product.md` → Topic votes). */
import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used
import * as Config from "../config";
import { queueTellContributors } from "../contributions/covered";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { recountVoters } from "../votes/recount";
import { FUNDING_GOAL_MAX, inLanguage, topicStatuses, type Topic, type TopicTranslation } from "./types";

export { FUNDING_GOAL_MAX, inLanguage, TOPIC_ID, topicStatuses, type TopicTranslation, type Funding, type Topic, type TopicStatus, type ScoredTopic } from "./types";
export { funding, fundingOf } from "./funding";
export { PUBLIC_TOPICS_MAX_AGE, listPublic, listPublicCached } from "./public";
export { propose } from "./proposals";
export { create, edit, type TopicChange } from "./editing";
export { board, topicPage, type Board, type BoardTopic, type TopicPage } from "./board";

const translationInput = z.object({
  title: z.string().trim().min(1).max(120),
  description: z.string().trim().max(1000).optional(),
});

export const topicInput = z.object({
  title: z.string().trim().min(1).max(120),
  description: z.string().trim().max(1000).optional(),
  /**
   * Its title (and description) in the other languages of LANGUAGES, by code (`{ "uk": { "title": "…" } }`); the
   * default language's is `title` itself. Given, it replaces them all (`{}` removes them); absent, they stay.
   */
  translations: z.record(z.string().max(8), translationInput).optional(),
  status: z.enum(topicStatuses).optional(),
  articleIds: z.array(z.string().min(1).max(128)).max(100).optional(),
  /** In CONTRIBUTION_CURRENCY's minor unit; null removes the goal; absent keeps it as it is. */
  fundingGoal: z.number().int().min(1).max(FUNDING_GOAL_MAX).nullable().optional(),
});
export type TopicInput = z.output<typeof topicInput>;

/**
 * Creates or updates a topic; the same content again leaves the topic as it is. New topics are `open` unless told.
 * When a topic opens or closes, its voters are re-counted (`recountVoters`): a reopened topic's votes may wait for
 * a place on their patrons' ballots, and a closed one frees places. The same content again re-counts too (moving
 * only votes that count wrongly), so an editor's retry finishes a re-count that a failure cut short. A patron's
 * proposal taken up (opened, closed, covered) frees a place among their proposals (`proposals.ts`). A covered
 * topic's contributors are told so, each once, off the request (`core/contributions/covered.ts`).
 */
export async function upsert(id: string, input: TopicInput, now = new Date()) {
  if (input.translations) assertTranslatable(input.translations);
  // Written on the topic as read: a change made meanwhile (another editor's, erasure's) is read and decided again.
  const { existing, written } = await Db.retryWrite(`topic ${id}`, async () => {
    const existing = await Db.Topics.get(id);
    const next = nextVersion(id, input, existing, now);
    if (existing && sameContent(existing, next)) return { existing, written: undefined };
    const written = { ...next, updatedAt: now.toISOString() };
    await Db.Proposals.save(written, existing);
    return { existing, written };
  });
  const topic = written ?? existing!;
  // Each contributor towards a covered topic is told once; the same content again finishes what a failure cut short.
  if (topic.status === "covered") await queueTellContributors(topic.id);
  if (!written) {
    await recountVoters(id, now);
    return { topic: existing!, outcome: "unchanged" as const };
  }
  if (existing && (existing.status === "open") !== (written.status === "open")) await recountVoters(id, now);
  return { topic: written, outcome: existing ? ("updated" as const) : ("created" as const) };
}

/** What an editor's input makes of a topic (its `updatedAt` as it was). */
function nextVersion(id: string, input: TopicInput, existing: Topic | undefined, now: Date): Topic {
  const status = input.status ?? existing?.status ?? "open";
  const opens = status === "open" && existing?.status !== "open";
  // null removes the goal; left out, the goal stays as it was.
  const fundingGoal = input.fundingGoal === null ? undefined : (input.fundingGoal ?? existing?.fundingGoal);
  const translations = input.translations ?? existing?.translations;
  return {
    id,
    title: input.title,
    description: input.description ?? existing?.description,
    status,
    articleIds: input.articleIds ?? existing?.articleIds ?? [],
    ...(translations && Object.keys(translations).length > 0 && { translations }),
    ...(fundingGoal !== undefined && { fundingGoal }),
    ...(existing?.proposedBy && { proposedBy: existing.proposedBy }),
    // Votes take their place on a ballot from when their topic (re)opened (`core/votes/places.ts`).
    ...((opens || existing?.openedAt) && { openedAt: opens ? now.toISOString() : existing!.openedAt }),
    createdAt: existing?.createdAt ?? now.toISOString(),
    updatedAt: existing?.updatedAt ?? now.toISOString(),
  };
}

/** Whether two versions of a topic say the same (whatever order their fields were read in). */
function sameContent(a: Topic, b: Topic): boolean {
  const content = ({ title, description, status, articleIds, proposedBy, openedAt, fundingGoal, translations }: Topic) =>
    JSON.stringify([title, description ?? null, status, articleIds, proposedBy ?? null, openedAt ?? null, fundingGoal ?? null, sorted(translations)]);
  return content(a) === content(b);
}

/** Translations in one order (by language, then title before description), however they were read or sent. */
const sorted = (translations: Topic["translations"]) =>
  Object.entries(translations ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, { title, description }]) => [code, title, description ?? null]);

/**
 * Refuses (400, naming `translations`) a translation into a language readers can't choose, or into the default
 * language, whose title is the topic's own: a translation nobody could ever be shown is a mistake worth saying.
 */
function assertTranslatable(translations: Record<string, TopicTranslation>): void {
  const [fallback, ...others] = Config.get().LANGUAGES;
  const wrong = Object.keys(translations).filter((code) => !others.includes(code));
  if (wrong.length === 0) return;
  const allowed = others.length > 0 ? others.join(", ") : "none";
  throw new VisibleError("invalid", "invalid_request", `A topic is translated into ${allowed} (its own title is in ${fallback}).`, {
    fields: { translations: `not a language to translate into: ${wrong.join(", ")}; one of ${allowed}` },
  });
}

/**
 * The titles of the given topics by id (a subscriber's followed topics on their account page and in their welcome),
 * whatever their status, in `language` where they have a translation into it; read by id, so the work is theirs
 * alone. Ids no longer defined are left out.
 */
export async function titlesOf(ids: readonly string[], language?: string): Promise<Record<string, string>> {
  if (ids.length === 0) return {};
  return Object.fromEntries((await Db.Topics.many(ids)).map((topic) => [topic.id, inLanguage(topic, language).title]));
}

/** Refuses topic ids that were never defined (or are not of the given statuses). */
export async function assertTopicsExist(ids: readonly string[], statuses: readonly string[] = topicStatuses): Promise<void> {
  if (ids.length === 0) return;
  const known = new Set((await Db.Topics.many(ids)).filter((topic) => statuses.includes(topic.status)).map((topic) => topic.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new VisibleError("invalid", "invalid_request", `Unknown topic: ${unknown.join(", ")}.`, {
      fields: { topics: `unknown topic ids: ${unknown.join(", ")}` },
    });
  }
}
