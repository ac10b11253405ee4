/**
 * Patrons propose topics (`product.md` → Topic votes): a proposal is a topic `proposed` (seen by editors only) until
 * an editor opens it with `PUT /api/topics/{id}`. A patron may have at most `MAX_OPEN_PROPOSALS_PER_PATRON` of them
 * waiting at once, exactly under concurrency (`core/db/proposals.ts`): one patron can't fill the editors' queue,
 * nor make every reader of topics read their proposals. Once an editor opens, closes or covers one, its place is free.
 */
import { randomBytes } from "node:crypto";
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { log } from "../log";
import { isEligible } from "../patrons/types";
import type { Topic } from "./types";

/**
 * An eligible patron proposes a topic; its id is a slug of the title with a random tail. Refuses (403
 * `not_eligible`) anyone but an active or comped patron and (409 `proposal_limit`) a patron with
 * `MAX_OPEN_PROPOSALS_PER_PATRON` proposals still waiting for an editor, writing nothing.
 */
export async function propose(subscriberId: string, input: { title: string; description?: string }, now = new Date()): Promise<Topic> {
  if (!isEligible(await Db.Patrons.get(subscriberId))) {
    throw new VisibleError("forbidden", "not_eligible", "Only active patrons can propose topics.");
  }
  const slug = input.title.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 50);
  const at = now.toISOString();
  const max = Config.get().MAX_OPEN_PROPOSALS_PER_PATRON;
  // Proposals of one patron at the same moment meet on their count: each loser tries again, until the limit says no.
  const topic = await Db.retryWrite(`proposal of ${subscriberId}`, async () => {
    const id = `${slug || "topic"}-${randomBytes(3).toString("hex")}`;
    const { title, description } = input;
    const proposal = { id, title, description, status: "proposed" as const, articleIds: [], proposedBy: subscriberId, createdAt: at, updatedAt: at };
    return (await Db.Proposals.propose(proposal, max)) === "proposed" ? proposal : undefined;
  });
  if (!topic) {
    throw new VisibleError(
      "conflict",
      "proposal_limit",
      `You have ${max} proposed topics waiting for the editors. You can propose another once they have taken one up or turned it down.`,
    );
  }
  log.info({ event: "topic.proposed", subscriberId, topicId: topic.id }, "topic proposed");
  return topic;
}
