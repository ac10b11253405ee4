/** Topics: what readers follow and patrons vote on (see `product.md` → Topic votes). */
import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used
import * as Db from "../db";
import { VisibleError } from "../errors";
import { topicStatuses, type ScoredTopic, type Topic } from "./types";

export { TOPIC_ID, topicStatuses, type Topic, type TopicStatus, type ScoredTopic } from "./types";

export const topicInput = z.object({
  title: z.string().trim().min(1).max(120),
  description: z.string().trim().max(1000).optional(),
  status: z.enum(topicStatuses).optional(),
  articleIds: z.array(z.string().min(1).max(128)).max(100).optional(),
});
export type TopicInput = z.output<typeof topicInput>;

/** Creates or updates a topic; the same content again writes nothing. New topics are `open` unless told. */
export async function upsert(id: string, input: TopicInput, now = new Date()) {
  const existing = await Db.Topics.get(id);
  const next: Topic = {
    id,
    title: input.title,
    description: input.description ?? existing?.description,
    status: input.status ?? existing?.status ?? "open",
    articleIds: input.articleIds ?? existing?.articleIds ?? [],
    ...(existing?.proposedBy && { proposedBy: existing.proposedBy }),
    createdAt: existing?.createdAt ?? now.toISOString(),
    updatedAt: existing?.updatedAt ?? now.toISOString(),
  };
  const same = existing && JSON.stringify({ ...existing, updatedAt: "" }) === JSON.stringify({ ...next, updatedAt: "" });
  if (same) return { topic: existing, outcome: "unchanged" as const };
  const topic = { ...next, updatedAt: now.toISOString() };
  await Db.Topics.put(topic);
  return { topic, outcome: existing ? ("updated" as const) : ("created" as const) };
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
