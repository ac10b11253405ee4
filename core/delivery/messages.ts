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

/** Send the digest to these subscribers (their deliveries are already written). */
export const sendMessage = z.object({
  kind: z.literal("send"),
  digestId: z.string(),
  subscriberIds: z.array(z.string()).min(1).max(50),
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

/** Recipients per send message: a Lambda batch of 5 messages is then 50 emails. */
export const RECIPIENTS_PER_MESSAGE = 10;

export function sendMessages(digestId: string, subscriberIds: readonly string[]): SendMessage[] {
  const messages: SendMessage[] = [];
  for (let i = 0; i < subscriberIds.length; i += RECIPIENTS_PER_MESSAGE) {
    messages.push({ kind: "send", digestId, subscriberIds: subscriberIds.slice(i, i + RECIPIENTS_PER_MESSAGE) });
  }
  return messages;
}
