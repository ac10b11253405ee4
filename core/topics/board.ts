/**
 * The editors' view of topics (`/editor/topics`): every topic by status, with its score and voters (the tallies),
 * its score by tier and its funding; and one topic's page with its votes over time and the articles to mark it
 * covered with. Reads a query per status and, per topic, its tally, its votes and its funding counter (each on the
 * topic's own partition): never a scan.
 */
import { forEachLimit } from "../concurrency";
import * as Db from "../db";
import { VisibleError } from "../errors";
import type { Article } from "../articles/types";
import { byTier, overTime, type TierScore, type VotesOverTime } from "../votes/summary";
import type { Vote } from "../votes/types";
import { fundingOf } from "./funding";
import { topicStatuses, type Funding, type Topic, type TopicStatus } from "./types";

export interface BoardTopic {
  topic: Topic;
  score: number;
  voters: number;
  byTier: TierScore[];
  /** How far contributions towards it have come (proposed topics take none). */
  funding?: Funding;
}

export type Board = Record<TopicStatus, BoardTopic[]>;

async function boardTopic(topic: Topic): Promise<BoardTopic & { votes: Vote[] }> {
  if (topic.status === "proposed") return { topic, score: 0, voters: 0, byTier: [], votes: [] };
  const [tally, votes, funding] = await Promise.all([Db.Topics.tally(topic.id), Db.Votes.byTopic(topic.id), fundingOf(topic)]);
  return { topic, ...tally, byTier: byTier(votes), funding, votes };
}

/** Every topic, by status: open, covered and closed ones highest score first; proposals oldest first. */
export async function board(): Promise<Board> {
  const topics = await Db.Topics.byStatus(topicStatuses);
  const rows: BoardTopic[] = [];
  await forEachLimit(topics, 8, async (topic) => {
    const { votes, ...row } = await boardTopic(topic);
    rows.push(row);
  });
  const of = (status: TopicStatus) => rows.filter((row) => row.topic.status === status);
  const byScore = (a: BoardTopic, b: BoardTopic) => b.score - a.score || a.topic.title.localeCompare(b.topic.title);
  return {
    open: of("open").sort(byScore),
    proposed: of("proposed").sort((a, b) => a.topic.createdAt.localeCompare(b.topic.createdAt)),
    closed: of("closed").sort(byScore),
    covered: of("covered").sort(byScore),
  };
}

export interface TopicPage extends BoardTopic {
  overTime: VotesOverTime;
  /** The articles it is covered by now. */
  coveredBy: Article[];
  /** The newest articles, to mark it covered with (its own first if not among them). */
  recent: Article[];
}

/** One topic for its dashboard page: 404 `not_found` for a topic never defined. */
export async function topicPage(id: string, now = new Date()): Promise<TopicPage> {
  const topic = await Db.Topics.get(id);
  if (!topic) throw new VisibleError("not_found", "not_found", "No such topic.");
  const [{ votes, ...row }, coveredBy, { articles }] = await Promise.all([
    boardTopic(topic),
    Db.Articles.many(topic.articleIds),
    Db.Articles.page({ limit: 20 }),
  ]);
  const recent = [...coveredBy, ...articles.filter((article) => !topic.articleIds.includes(article.id))];
  return { ...row, overTime: overTime(votes, now), coveredBy, recent };
}
