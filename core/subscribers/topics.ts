import * as Db from "../db";
import { VisibleError } from "../errors";

/** Refuses topics that do not exist (or are only proposed): readers follow what the newsroom covers. */
export async function assertFollowable(topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  const known = new Set((await Db.Topics.byStatus(["open", "closed", "covered"])).map((topic) => topic.id));
  const unknown = topics.filter((topic) => !known.has(topic));
  if (unknown.length > 0) {
    throw new VisibleError("invalid", "invalid_request", `Unknown topic: ${unknown.join(", ")}.`, {
      fields: { topics: `unknown topic ids: ${unknown.join(", ")}` },
    });
  }
}
