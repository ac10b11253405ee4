/**
 * Webhook signatures. Stripe signs `<timestamp>.<raw body>` with the endpoint's secret; the check runs on the raw
 * bytes exactly as received (a re-serialised body would not verify). Every configured secret is tried, so an
 * endpoint's secret can be rolled (Stripe signs with both during the overlap, and we accept either), and a
 * timestamp more than `TOLERANCE_SECONDS` away from now is refused, so a captured request can't be replayed later.
 */
import type Stripe from "stripe";
import * as Config from "../config";
import { VisibleError } from "../errors";
import { notConfigured } from "./client";

export const TOLERANCE_SECONDS = 300;

let stripeModule: Promise<typeof import("stripe")> | undefined;

const invalid = (message: string) => new VisibleError("invalid", "invalid_signature", message);

/**
 * Verifies a webhook request and answers its event. Throws a 400 `invalid_signature` for a missing, malformed,
 * wrong or stale signature, and the 503 `notConfigured()` when no webhook secret is configured.
 */
export async function verify(rawBody: Uint8Array, signature: string | undefined, now = new Date()): Promise<Stripe.Event> {
  const secrets = Config.get().STRIPE_WEBHOOK_SECRET;
  if (secrets.length === 0) throw notConfigured();
  if (!signature) throw invalid("The Stripe-Signature header is missing.");
  // Stripe's check refuses only old timestamps; one from the future is as suspect.
  const timestamp = Number(/(?:^|,)\s*t=(\d{1,12})(?:,|$)/.exec(signature)?.[1]);
  if (!(timestamp * 1000 - now.getTime() <= TOLERANCE_SECONDS * 1000)) {
    throw invalid("The Stripe-Signature header has no timestamp, or one too far ahead.");
  }
  const { default: Stripe } = await (stripeModule ??= import("stripe")); // on first use only: see client.ts
  for (const secret of secrets) {
    try {
      return Stripe.webhooks.constructEvent(rawBody, signature, secret, TOLERANCE_SECONDS, undefined, now.getTime());
    } catch (error) {
      // A wrong secret and a stale timestamp look the same from here; try the next secret, then refuse.
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) {
        throw invalid("The webhook body is not a Stripe event.");
      }
    }
  }
  throw invalid("The Stripe-Signature header does not match the body, or is too old.");
}
