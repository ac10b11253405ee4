/** What travels on the send queue. Every message is safe to process twice. */
import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used

/** Plan one page of one subscriber shard of a digest, from `cursor`. */
export const planMessage = z.object({
  kind: z.literal("plan"),
  digestId: z.string(),
  shard: z.number().int().nonnegative(),
  cursor: z.string().optional(),
});

/**
 * One page of a cancel (settle queued deliveries, and sending ones whose claim ran out, `skipped`) or a resume (put
 * them back on the queue): the deliveries in `status` from `cursor`, of the cancel or resume named `run`.
 */
export const controlMessage = z.object({
  kind: z.literal("control"),
  digestId: z.string(),
  action: z.enum(["cancel", "resume"]),
  run: z.string(),
  status: z.enum(["queued", "sending"]),
  cursor: z.string().optional(),
});

/**
 * Send the recipients of one delivery batch (their records are written, ten to a batch, when the digest is
 * planned). Older versions named the subscribers instead; such a message is dropped as malformed, and its batch
 * is enqueued again by the recovery sweep (recover.ts) once the queue is idle.
 */
export const sendMessage = z.object({
  kind: z.literal("send"),
  digestId: z.string(),
  batchId: z.string().min(1).max(100),
});

/**
 * Email a sign-in link to this address if it is a subscriber's (`SignIn.sendLink`). Older versions put these on the
 * send queue; they now go to the transactional queue, and this form is still handled for any left in flight.
 */
export const signinLinkMessage = z.object({
  kind: z.literal("signin"),
  email: z.string().min(3).max(254),
});

export const queueMessage = z.discriminatedUnion("kind", [planMessage, sendMessage, controlMessage, signinLinkMessage]);

export type PlanMessage = z.output<typeof planMessage>;
export type SendMessage = z.output<typeof sendMessage>;
export type ControlMessage = z.output<typeof controlMessage>;
export type QueueMessage = z.output<typeof queueMessage>;

/** Recipients per delivery batch, and so per send message: a Lambda batch of 5 messages is then 50 emails. */
export const RECIPIENTS_PER_BATCH = 10;

export function sendMessages(digestId: string, batchIds: readonly string[]): SendMessage[] {
  return [...new Set(batchIds)].map((batchId) => ({ kind: "send", digestId, batchId }));
}
