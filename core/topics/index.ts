/** Topics: what readers follow and patrons vote on (see `product.md` → Topic votes). */
import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used
import * as Db from "../db";
import { VisibleError } from "../errors";
import { recountVoters } from "../votes/recount";
import { topicStatuses, type ScoredTopic, type Topic } from "./types";

export { TOPIC_ID, topicStatuses, type Topic, type TopicStatus, type ScoredTopic } from "./types";

export const topicInput = z.object({
  title: z.string().trim().min(1).max(120),
  description: z.string().trim().max(1000).optional(),
  status: z.enum(topicStatuses).optional(),
  articleIds: z.array(z.string().min(1).max(128)).max(100).optional(),
});
export type TopicInput = z.output<typeof topicInput>;

/**
 * Creates or updates a topic; the same content again leaves the topic as it is. New topics are `open` unless told.
 * When a topic opens or closes, its voters are re-counted (`recountVoters`): a reopened topic's votes may wait for
 * a place on their patrons' ballots, and a closed one frees places. The same content again re-counts too (moving
 * only votes that count wrongly), so an editor's retry finishes a re-count that a failure cut short.
 */
export async function upsert(id: string, input: TopicInput, now = new Date()) {
  const existing = await Db.Topics.get(id);
  const status = input.status ?? existing?.status ?? "open";
  const opens = status === "open" && existing?.status !== "open";
  const next: Topic = {
    id,
    title: input.title,
    description: input.description ?? existing?.description,
    status,
    articleIds: input.articleIds ?? existing?.articleIds ?? [],
    ...(existing?.proposedBy && { proposedBy: existing.proposedBy }),
    // Votes take their place on a ballot from when their topic (re)opened (`core/votes/places.ts`).
    ...((opens || existing?.openedAt) && { openedAt: opens ? now.toISOString() : existing!.openedAt }),
    createdAt: existing?.createdAt ?? now.toISOString(),
    updatedAt: existing?.updatedAt ?? now.toISOString(),
  };
  if (existing && sameContent(existing, next)) {
    await recountVoters(id, now);
    return { topic: existing, outcome: "unchanged" as const };
  }
  const topic = { ...next, updatedAt: now.toISOString() };
  await Db.Topics.put(topic);
  if (existing && (existing.status === "open") !== (status === "open")) await recountVoters(id, now);
  return { topic, outcome: existing ? ("updated" as const) : ("created" as const) };
}

/** Whether two versions of a topic say the same (whatever order their fields were read in). */
function sameContent(a: Topic, b: Topic): boolean {
  const content = ({ title, description, status, articleIds, proposedBy, openedAt }: Topic) =>
    JSON.stringify([title, description ?? null, status, articleIds, proposedBy ?? null, openedAt ?? null]);
  return content(a) === content(b);
}

/** The topics everyone sees: open and covered ones, with scores; highest score first, then by title. */
export async function listPublic(): Promise<ScoredTopic[]> {
  const topics = await Db.Topics.byStatus(["open", "covered"]);
  const scored = await Promise.all(
    topics.map(async ({ id, title, description, status }) => ({ id, title, description, status, ...(await Db.Topics.tally(id)) })),
  );
  return scored.sort((a, b) => b.score - a.score || a.title.localeCompare(b.title));
}

/** Every topic's title by id, whatever its status (a subscriber may still follow one proposed again since). */
export async function titles(): Promise<Record<string, string>> {
  return Object.fromEntries((await Db.Topics.byStatus()).map((topic) => [topic.id, topic.title]));
}

/** Refuses topic ids that were never defined (or are not of the given statuses). */
export async function assertTopicsExist(ids: readonly string[], statuses: readonly string[] = topicStatuses): Promise<void> {
  if (ids.length === 0) return;
  const known = new Set((await Db.Topics.byStatus(statuses)).map((topic) => topic.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new VisibleError("invalid", "invalid_request", `Unknown topic: ${unknown.join(", ")}.`, {
      fields: { topics: `unknown topic ids: ${unknown.join(", ")}` },
    });
  }
}
