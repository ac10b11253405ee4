/** One-click votes from a digest: a signed link (purpose `vote`, subject `<subscriberId>~<topicId>`) → page → POST. */
import { VisibleError } from "../errors";
import * as Tokens from "../tokens";
import { TOPIC_ID } from "../topics/types";

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
