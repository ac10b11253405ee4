import * as Email from "../email";
import { paced, type PaceOptions } from "./pacing";

/**
 * Sends one transactional email now, inside the caller's own retry scheme (patron emails under their claim, the
 * welcome): paced from the transactional reserve and waiting out a moment of SES throttling. Throws what SES
 * answered when it still refuses, so the caller's retry (Stripe's redelivery of the webhook) sends it later.
 */
export async function sendNow(message: Email.Message, options: PaceOptions = {}): Promise<{ messageId: string }> {
  const outcome = await paced((send) => send(message), options);
  if (outcome.kind === "sent") return outcome.value;
  throw outcome.error;
}
