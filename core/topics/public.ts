/**
 * The topics everyone sees (`GET /api/topics`, the `/topics` page signed out): open and covered ones with their
 * scores and their titles in every language (each page picks its own, so one copy serves every language). Reading them costs a query per status and one per topic for its tally, so what anonymous visitors get is
 * kept in this process for up to `PUBLIC_TOPICS_MAX_AGE` seconds, and their responses may be kept by browsers and
 * shared caches for what is left of that time: a vote or an editor's change reaches every visitor within
 * `PUBLIC_TOPICS_MAX_AGE` seconds of being made, wherever it was made, and at once in the process that made it
 * (any write to a topic or tally here drops the copy, and so does a contribution towards a topic recorded or
 * refunded here). Topics with a funding goal carry their funding. A signed-in patron's view is always read afresh.
 */
import * as Db from "../db";
import { fundingOf } from "./funding";
import type { ScoredTopic } from "./types";

/** How long anonymous visitors may be shown topics and scores as they were: 30 seconds. */
export const PUBLIC_TOPICS_MAX_AGE = 30;

/** The topics everyone sees, read now: highest score first, then by title. */
export async function listPublic(): Promise<ScoredTopic[]> {
  const topics = await Db.Topics.byStatus(["open", "covered"]);
  const scored = await Promise.all(
    topics.map(async (topic) => {
      const { id, title, description, status, translations } = topic;
      const funding = topic.fundingGoal === undefined ? undefined : await fundingOf(topic);
      return { id, title, description, status, ...(translations && { translations }), ...(await Db.Topics.tally(id)), ...(funding && { funding }) };
    }),
  );
  return scored.sort((a, b) => b.score - a.score || a.title.localeCompare(b.title));
}

let kept: { topics: ScoredTopic[]; readAt: number; writes: number } | undefined;

/**
 * `listPublic` for anonymous visitors: the copy kept in this process while it is under `PUBLIC_TOPICS_MAX_AGE`
 * seconds old and no topic or tally was written here since it was read; else read now (and kept). Answers the
 * topics and how many seconds more they may be kept by a cache (`Cache-Control: max-age`).
 */
export async function listPublicCached(now = Date.now()): Promise<{ topics: ScoredTopic[]; maxAge: number }> {
  const fresh = kept && kept.writes === Db.Topics.writesSoFar() && now >= kept.readAt && now - kept.readAt < PUBLIC_TOPICS_MAX_AGE * 1000;
  if (fresh) return { topics: kept!.topics, maxAge: Math.max(0, PUBLIC_TOPICS_MAX_AGE - Math.ceil((now - kept!.readAt) / 1000)) };
  // A write that lands while this reads moves the count: what this read is then not kept (it may miss the write).
  const writes = Db.Topics.writesSoFar();
  const topics = await listPublic();
  if (Db.Topics.writesSoFar() === writes) kept = { topics, readAt: now, writes };
  return { topics, maxAge: PUBLIC_TOPICS_MAX_AGE };
}
