/**
 * A pause instead of a cancel: a patron paying through Stripe stops paying for one to three months and resumes by
 * itself. Stripe's `pause_collection` (behaviour `void`: invoices of the pause are voided, nothing is owed after)
 * keeps the subscription `active` and clears the pause at `resumes_at`, with a `customer.subscription.updated`.
 * While paused the patron reads the free digest and their votes are kept but not counted (`rules.ts`).
 *
 * Both actions ask Stripe first (the stored patron may be a little behind), change the subscription with an
 * idempotency key named by the patron's version (a double click, or a retry after a lost answer, changes Stripe
 * once), then sync the patron at once so the account page shows the change without waiting for the webhook.
 */
import * as Db from "../db";
import { VisibleError } from "../errors";
import { log } from "../log";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import { syncPatron, type SyncResult } from "./sync";
import type { Patron } from "./types";

/** How long a pause may be, in months. */
export const PAUSE_MONTHS = [1, 2, 3] as const;

/** The time `months` calendar months after `now` (UTC; the 31st of a month that has none is its last day). */
export function pauseEnd(now: Date, months: number): Date {
  const end = new Date(now.getTime());
  const day = end.getUTCDate();
  end.setUTCDate(1);
  end.setUTCMonth(end.getUTCMonth() + months);
  const last = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate();
  end.setUTCDate(Math.min(day, last));
  return end;
}

/**
 * Whether a patron may pause now, as stored: paying through Stripe (`active`, not a trial), not cancelling at the
 * period's end, not paused already. The account page offers the form only then.
 */
export function canPause(patron: Patron | undefined): boolean {
  return (
    patron?.status === "active" &&
    Boolean(patron.stripeSubscriptionId) &&
    patron.subscriptionStatus === "active" &&
    !patron.cancelAtPeriodEnd
  );
}

/** Pauses the patron's membership for `months` (1 to 3). Refusals change nothing, at Stripe or here. */
export async function pause(subscriberId: string, months: number, now = new Date()): Promise<SyncResult> {
  if (!PAUSE_MONTHS.includes(months as (typeof PAUSE_MONTHS)[number])) {
    throw new VisibleError("invalid", "invalid_request", "A pause lasts 1, 2 or 3 months.", { fields: { months: "1, 2 or 3" } });
  }
  const patron = await paying(subscriberId);
  if (patron.status === "paused") throw new VisibleError("conflict", "already_paused", "Your membership is paused already.");
  if (patron.cancelAtPeriodEnd) throw new VisibleError("conflict", "cancelling", "Your membership ends at the period's end: there is nothing to pause.");
  if (!canPause(patron)) throw new VisibleError("forbidden", "not_eligible", "Only a paid membership that is running can be paused.");

  const stripe = await StripeApi.stripe();
  const subscription = await current(stripe, patron, now);
  // What Stripe says now wins over what is stored: a pause or cancellation made elsewhere (the portal) is refused too.
  if (subscription.pause_collection) {
    await syncPatron(subscriberId, [], now); // paused elsewhere, or our own pause whose sync failed: shown from now on
    throw new VisibleError("conflict", "already_paused", "Your membership is paused already.");
  }
  if (subscription.cancel_at_period_end || subscription.status !== "active") {
    throw new VisibleError("conflict", "cancelling", "Your membership is ending or not running: there is nothing to pause.");
  }
  const resumesAt = Math.floor(pauseEnd(now, months).getTime() / 1000);
  await stripe.subscriptions.update(
    subscription.id,
    { pause_collection: { behavior: "void", resumes_at: resumesAt } },
    { idempotencyKey: `pause-${subscription.id}-v${patron.version}-${months}` },
  );
  log.info({ event: "patron.pause_requested", subscriberId, months }, "membership paused at Stripe");
  return syncPatron(subscriberId, [], now);
}

/** Ends a pause now: collection resumes, and the membership counts again. Refused unless paused. */
export async function resume(subscriberId: string, now = new Date()): Promise<SyncResult> {
  const patron = await paying(subscriberId);
  if (patron.status !== "paused") throw new VisibleError("conflict", "not_paused", "Your membership is not paused.");
  const stripe = await StripeApi.stripe();
  const subscription = await current(stripe, patron, now);
  if (subscription.pause_collection) {
    // stripe-node sends `''` as an empty value: Stripe unsets the field (its `Emptyable` parameters).
    await stripe.subscriptions.update(subscription.id, { pause_collection: "" }, { idempotencyKey: `resume-${subscription.id}-v${patron.version}` });
    log.info({ event: "patron.resume_requested", subscriberId }, "membership resumed at Stripe");
  }
  return syncPatron(subscriberId, [], now);
}

/**
 * The patron's subscription as Stripe has it now. One Stripe no longer has (deleted with its customer) ends the
 * membership by the usual rules (synced now), and there is nothing to pause or resume: 404.
 */
async function current(stripe: Stripe, patron: Patron, now: Date): Promise<Stripe.Subscription> {
  try {
    return await stripe.subscriptions.retrieve(patron.stripeSubscriptionId!);
  } catch (error) {
    if (!StripeApi.isMissing(error)) throw error;
    await syncPatron(patron.subscriberId, [], now);
    throw new VisibleError("not_found", "not_found", "You have no paid membership to pause.");
  }
}

/** The patron paying through Stripe, or a 404 (no membership of theirs to pause). */
async function paying(subscriberId: string): Promise<Patron> {
  const patron = await Db.Patrons.get(subscriberId);
  if (!patron?.stripeSubscriptionId || !patron.stripeCustomerId) {
    throw new VisibleError("not_found", "not_found", "You have no paid membership to pause.");
  }
  if (patron.status !== "active" && patron.status !== "paused") {
    throw new VisibleError("forbidden", "not_eligible", "Only a paid membership that is running can be paused.");
  }
  return patron;
}
