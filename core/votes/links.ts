/** One-click votes from a digest: a signed link (purpose `vote`, subject `<subscriberId>~<topicId>`) → page → POST. */
import { randomBytes } from "node:crypto";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { isEligible } from "../patrons/types";
import * as Tokens from "../tokens";
import { TOPIC_ID, type Topic } from "../topics/types";

/** Who votes for what, from a vote link's token (400 for a forged, altered or expired one). */
export function fromVoteToken(token: string): { subscriberId: string; topicId: string } {
  const { subject } = Tokens.verify(token, "vote");
  const [subscriberId, topicId, ...rest] = subject.split("~");
  if (!subscriberId || !topicId || rest.length > 0 || !TOPIC_ID.test(topicId)) {
    throw new VisibleError("invalid", "invalid_token", "This link is not valid. It may be incomplete.");
  }
  return { subscriberId, topicId };
}

/** A vote link for a patron and a topic. */
export const voteToken = (subscriberId: string, topicId: string, now = new Date()) =>
  Tokens.sign("vote", `${subscriberId}~${topicId}`, now);

/**
 * An eligible patron proposes a topic: it is `proposed` (seen by editors only) until an editor opens it with
 * `PUT /api/topics/{id}` and status `open`. Its id is a slug of the title with a random tail.
 */
export async function propose(subscriberId: string, input: { title: string; description?: string }, now = new Date()): Promise<Topic> {
  if (!isEligible(await Db.Patrons.get(subscriberId))) {
    throw new VisibleError("forbidden", "not_eligible", "Only active patrons can propose topics.");
  }
  const slug = input.title.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 50);
  const id = `${slug || "topic"}-${randomBytes(3).toString("hex")}`;
  const at = now.toISOString();
  const topic: Topic = { id, title: input.title, description: input.description, status: "proposed", articleIds: [], proposedBy: subscriberId, createdAt: at, updatedAt: at };
  await Db.Topics.put(topic);
  return topic;
}
