/**
 * A cancellation as Stripe says it (`cancellation_details` and `canceled_at` on the subscription, fetched from the
 * API) and as kept on the patron: the last one of the subscription that decides the membership, kept after the
 * membership ends and marked, not deleted, when it is taken back. Pure functions: `rules.ts` applies them.
 */
import type { Stripe } from "../stripe";
import type { PaidMembership } from "./rules";
import type { Cancellation, Patron } from "./types";

/** What Stripe says of a subscription that is ending or has ended at the patron's (or Stripe's) request. */
export interface MembershipCancellation {
  /** Stripe's `canceled_at`: the latest request (also for a cancellation at the period's end), ISO. */
  requestedAt: string;
  /** `cancellation_requested`, `payment_failed`, `payment_disputed` (and whatever Stripe adds). */
  reason?: string;
  /** The survey's answer in the Billing Portal: `too_expensive`, `unused`, ... */
  feedback?: string;
  /** The survey's free text: personal data (in the export, gone at erasure with the patron). */
  comment?: string;
}

/** Stripe caps a comment at 5,000 characters; kept as given up to that. */
const MAX_COMMENT = 5_000;

/** Reasons and feedback are Stripe's words (`too_expensive`); anything else is kept as `other`, never as free text. */
const word = (value: string | null | undefined): string | undefined =>
  value ? (/^[a-z][a-z_]{0,63}$/.test(value) ? value : "other") : undefined;

/** Subscription statuses in which a cancellation can still be taken back (the portal's "Don't cancel"). */
const LIVE: ReadonlySet<string> = new Set(["active", "trialing", "past_due"]);

/**
 * The cancellation of a subscription as Stripe has it now: one that has ended (`canceled`), or will end at the
 * period's end or at a set time (`cancel_at_period_end`, `cancel_at`); none for a subscription that goes on, or
 * when Stripe gives no time for the request (`canceled_at`, else `ended_at`).
 */
export function cancellationOf(subscription: Stripe.Subscription): MembershipCancellation | undefined {
  const ending = subscription.status === "canceled" || subscription.cancel_at_period_end || Boolean(subscription.cancel_at);
  const at = subscription.canceled_at ?? subscription.ended_at;
  if (!ending || !at) return undefined;
  const details = subscription.cancellation_details;
  const comment = details?.comment?.trim().slice(0, MAX_COMMENT);
  return {
    requestedAt: new Date(at * 1000).toISOString(),
    ...(word(details?.reason) && { reason: word(details?.reason) }),
    ...(word(details?.feedback) && { feedback: word(details?.feedback) }),
    ...(comment && { comment }),
  };
}

/**
 * The patron's cancellation after Stripe's deciding subscription `paid` is applied at `at`:
 * - `paid` cancelling or cancelled: recorded from it. The same cancellation still standing (same subscription, not
 *   taken back) keeps its first request's time, so ending at once after asking to end at the period's end, which
 *   moves Stripe's `canceled_at`, stays one cancellation (counted once, on its day).
 * - `paid` live again after the patron's cancellation of it: taken back, `withdrawnAt` set once (kept as history).
 * - anything else (no subscription, a rejoin's new one, one that vanished): the last cancellation stays as it was.
 */
export function cancellationAfter(current: Cancellation | undefined, paid: PaidMembership | undefined, at: string): Cancellation | undefined {
  if (!paid) return current;
  const standing = current !== undefined && current.subscriptionId === paid.subscriptionId && !current.withdrawnAt;
  const asked = paid.cancellation;
  if (asked) {
    return {
      subscriptionId: paid.subscriptionId,
      requestedAt: standing ? current.requestedAt : asked.requestedAt,
      ...(asked.reason && { reason: asked.reason }),
      ...(asked.feedback && { feedback: asked.feedback }),
      ...(asked.comment && { comment: asked.comment }),
    };
  }
  if (standing && LIVE.has(paid.status)) return { ...current, withdrawnAt: at };
  return current;
}

/** The cancellation standing on the subscription a patron holds, as stored (rules applied without asking Stripe). */
export function storedCancellation(patron: Patron): MembershipCancellation | undefined {
  const kept = patron.cancellation;
  if (!kept || kept.withdrawnAt || kept.subscriptionId !== patron.stripeSubscriptionId) return undefined;
  const { subscriptionId, withdrawnAt, ...asked } = kept;
  return asked;
}
