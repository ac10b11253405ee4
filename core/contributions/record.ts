/**
 * Recording a contribution from its Checkout session (`checkout.session.completed` in payment mode, and
 * `checkout.session.async_payment_succeeded` when the payment settled later), once: the record is keyed by the
 * session, so two events about one session (or one event delivered twice, or concurrently) record it once. Only a
 * `paid` session is recorded. Then, on every delivery of it, the thank-you (once, under its claim: `thanks.ts`), and
 * whatever Stripe already says of its charge (a refund or dispute whose event came first: `mark.ts`).
 */
import * as Db from "../db";
import { log } from "../log";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import * as Config from "../config";
import { FEE_KEY, LANGUAGE_KEY, SUBSCRIBER_KEY, TOPIC_KEY } from "./checkout";
import { markPaymentIntent } from "./mark";
import { thankOnce } from "./thanks";
import { KIND, KIND_KEY, type Contribution } from "./types";
import { SOURCE_KEY, isSource } from "../stats/attribution";

const { idOf, metadataValue } = StripeApi.Objects;

export type RecordOutcome = "recorded" | "already_recorded" | "unpaid" | "not_contribution";

/** Whether a Checkout session is a contribution's (payment mode, marked so by `checkout`). */
export function isContributionSession(session: Stripe.Checkout.Session): boolean {
  return session.mode === "payment" && metadataValue(session, KIND_KEY) === KIND;
}

/** Records the session's contribution if it is paid and not recorded yet; thanks the contributor once. */
export async function recordSession(session: Stripe.Checkout.Session, now = new Date()): Promise<RecordOutcome> {
  if (!isContributionSession(session)) return "not_contribution";
  if (session.payment_status !== "paid") {
    log.info({ event: "contribution.unpaid", sessionId: session.id, paymentStatus: session.payment_status }, "contribution not paid yet");
    return "unpaid";
  }
  const at = now.toISOString();
  const email = (session.customer_details?.email ?? session.customer_email ?? undefined)?.toLowerCase();
  const subscriberId = await contributorOf(metadataValue(session, SUBSCRIBER_KEY), email);
  const topicId = metadataValue(session, TOPIC_KEY);
  const paymentIntentId = idOf(session.payment_intent);
  // A session started before languages were kept, or with one no longer offered, has none: then the default's.
  const language = metadataValue(session, LANGUAGE_KEY);
  const source = metadataValue(session, SOURCE_KEY);
  const contribution: Contribution = {
    id: session.id,
    amount: session.amount_total ?? 0,
    currency: (session.currency ?? "").toLowerCase(),
    feeCovered: Number(metadataValue(session, FEE_KEY) ?? 0) || 0,
    ...(topicId && { topicId }),
    ...(email && { email }),
    ...(subscriberId && { subscriberId }),
    ...(paymentIntentId && { paymentIntentId }),
    ...(language && Config.get().LANGUAGES.includes(language) && { language }),
    // Checked again: a shared Stripe account's sessions may carry anything under that key.
    ...(isSource(source) && { source }),
    month: at.slice(0, 7),
    amountRefunded: 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const recorded = await Db.retryWrite(`recording contribution ${session.id}`, () => Db.Contributions.record(contribution));
  const stored = recorded ? contribution : await Db.Contributions.get(session.id);
  if (recorded) {
    log.info(
      { event: "contribution.recorded", sessionId: session.id, amount: contribution.amount, currency: contribution.currency, topicId: topicId ?? null, subscriberId: subscriberId ?? null },
      "contribution recorded",
    );
  }
  // On every delivery, not only the recording one: a thank-you whose sending failed is sent by the redelivery, and
  // a look at the charge that failed after the recording (a refund whose event came first) is made by it too.
  if (stored) await thankOnce(stored, now);
  if (stored && paymentIntentId) await markPaymentIntent(paymentIntentId, now);
  return recorded ? "recorded" : "already_recorded";
}

/** The subscriber the checkout named (signed in), if still there; else the one with the address Checkout collected. */
async function contributorOf(named: string | undefined, email: string | undefined): Promise<string | undefined> {
  if (named && (await Db.Subscribers.get(named))) return named;
  return email ? (await Db.Subscribers.getByEmail(email))?.id : undefined;
}
