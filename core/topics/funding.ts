/**
 * A topic's funding: its goal (an editor's, optional) and how far contributions towards it have come, from the
 * counter that each contribution's record and each refund's marking move in their own transaction (exact under any
 * concurrency, never a scan).
 */
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import type { Funding, Topic } from "./types";

/** The funding of a topic as read (the counter read consistently). */
export async function fundingOf(topic: Pick<Topic, "id" | "fundingGoal">): Promise<Funding> {
  const { raised, contributors } = await Db.ContributionLists.funding(topic.id);
  return { goal: topic.fundingGoal ?? null, raised, contributors, currency: Config.get().CONTRIBUTION_CURRENCY };
}

/** `GET /api/topics/{id}/funding`: 404 for a topic never defined (or only proposed, which nobody may fund). */
export async function funding(topicId: string): Promise<Funding> {
  const topic = await Db.Topics.get(topicId);
  if (!topic || topic.status === "proposed") throw new VisibleError("not_found", "not_found", "No such topic.");
  return fundingOf(topic);
}
