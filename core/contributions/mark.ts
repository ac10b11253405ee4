/**
 * Refunds and disputes of a contribution's charge (`charge.refunded`, `charge.refund.updated`, `charge.dispute.*`):
 * the contribution is found by its payment intent, and marked from what Stripe's API says of the charge now, never
 * from the event, so duplicated and out-of-order events end in the same marks. Read the record (its version) →
 * ask Stripe → write only if the version is unchanged, so whichever delivery asked Stripe last writes last; the
 * month's `refunded` total moves by the difference in the same transaction.
 */
import * as Db from "../db";
import { log } from "../log";
import * as StripeApi from "../stripe";
import type { Contribution } from "./types";


/** The contribution a payment intent paid, if it is one (its session id). */
export const contributionOfPaymentIntent = (paymentIntentId: string) => Db.Contributions.sessionOfPaymentIntent(paymentIntentId);

/** Marks the contribution `sessionId` from its charge `chargeId` as Stripe has it now. */
export async function markCharge(sessionId: string, chargeId: string, now = new Date()): Promise<Contribution | undefined> {
  const at = now.toISOString();
  const marked = await Db.retryWrite(`marking contribution ${sessionId}`, async () => {
    const before = await Db.Contributions.get(sessionId);
    if (!before) return undefined;
    const stripe = await StripeApi.Charges.chargeAtStripe(chargeId); // asked after the read: see above
    if (!stripe) return before;
    const latest = stripe.disputes[0];
    const marks = {
      amountRefunded: stripe.charge.amount_refunded,
      ...(latest && { dispute: { id: latest.id, status: latest.status, amount: latest.amount } }),
    };
    // Compared field by field: a map read back from DynamoDB need not keep its keys' order.
    const sameDispute = before.dispute?.id === marks.dispute?.id && before.dispute?.status === marks.dispute?.status && before.dispute?.amount === marks.dispute?.amount;
    if (before.amountRefunded === marks.amountRefunded && sameDispute) {
      return before;
    }
    const { dispute, ...rest } = before;
    const next: Contribution = { ...rest, ...marks, updatedAt: at, version: before.version + 1 };
    await Db.Contributions.mark(next, before);
    log.info(
      { event: "contribution.marked", sessionId, chargeId, refunded: next.amountRefunded, dispute: next.dispute ? { id: next.dispute.id, status: next.dispute.status } : null },
      "contribution marked",
    );
    return next;
  });
  return marked;
}

/**
 * Marks a just-recorded contribution from its payment intent's charge, in case a refund or dispute event came
 * before the checkout's (it found no contribution then). A payment intent Stripe doesn't know marks nothing.
 */
export async function markPaymentIntent(paymentIntentId: string, now = new Date()): Promise<void> {
  const sessionId = await Db.Contributions.sessionOfPaymentIntent(paymentIntentId);
  if (!sessionId) return;
  const chargeId = await StripeApi.Charges.latestChargeOf(paymentIntentId);
  if (chargeId) await markCharge(sessionId, chargeId, now);
}
