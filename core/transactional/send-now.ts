import * as Email from "../email";
import { paced, type PaceOptions } from "./pacing";

/**
 * The longest an inline send waits for the reserve: a burst of webhooks (a renewal day) smooths out over a few
 * seconds, and none waits anywhere near its claim's 120 s lease (a lease that ran out would let another attempt send
 * the same email).
 */
export const INLINE_WAIT_MS = 5_000;

/**
 * Sends one transactional email now, inside the caller's own retry scheme (patron emails under their claim, the
 * welcome): paced from the transactional reserve and waiting out a moment of SES throttling. Throws what SES
 * answered when it still refuses, so the caller's retry (Stripe's redelivery of the webhook) sends it later.
 */
export async function sendNow(message: Email.Message, options: PaceOptions = {}): Promise<{ messageId: string }> {
  const outcome = await paced((send) => send(message), { maxWaitMs: INLINE_WAIT_MS, ...options });
  if (outcome.kind === "sent") return outcome.value;
  throw outcome.error;
}
