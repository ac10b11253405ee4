/**
 * Refunds and disputes, recorded against the patron: one record per Stripe charge of a subscriber (amount, what
 * was refunded, its dispute, the membership invoice it paid). Every `charge.*` event only names the charge; the
 * record is derived whole from what Stripe's API says now (`StripeApi.Charges`), so duplicated and out-of-order
 * events end in the same record. Written like a patron: read the record (its version) → ask Stripe → write only if
 * the version is unchanged, so whichever delivery asked Stripe last writes last.
 *
 * A **lost** dispute on a membership payment ends the membership: Stripe would keep charging the card whose holder
 * disputed it, so the subscription the disputed invoice paid is cancelled at Stripe at once, and the patron synced
 * (`lapsed`, the lapsed email, votes no longer counting: the rules of any ended subscription). A won or open
 * dispute, or a refund, changes no membership.
 */
import * as Contributions from "../contributions";
import * as Db from "../db";
import * as Gifts from "../gifts";
import { log } from "../log";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import { membershipOf } from "./memberships";
import { subscriberOfCustomer, syncCustomer } from "./sync";

const { customerOf, idOf } = StripeApi.Objects;

export interface ChargeRecord {
  subscriberId: string;
  chargeId: string;
  customerId: string;
  /** In the currency's smallest unit, as Stripe counts. */
  amount: number;
  currency: string;
  amountRefunded: number;
  /** Stripe's status of the charge: `succeeded`, `pending` or `failed`. */
  status: string;
  /** The invoice the charge paid, and the subscription that invoice bills (a membership payment). */
  invoiceId?: string;
  subscriptionId?: string;
  /** The charge's latest dispute, if it was disputed. */
  dispute?: { id: string; status: string; reason: string; amount: number; openedAt: string };
  /** When Stripe made the charge; when it was first recorded here, and when its record last changed (ISO). */
  chargedAt: string;
  recordedAt: string;
  updatedAt: string;
  version: number;
}

export interface ChargeOutcome {
  recorded: boolean;
  /** The charge paid a contribution (core/contributions), which was marked instead of a patron's record. */
  contribution?: string;
  /** The charge paid a gift (core/gifts), voided if refunded or disputed before it was redeemed. */
  gift?: string;
  /** Why nothing was recorded. */
  skipped?: "no_charge" | "no_customer" | "erased" | "no_subscriber";
  /** A lost dispute's subscription, cancelled at Stripe by this call. */
  cancelledSubscription?: string;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * Records the charge `chargeId` against its customer's subscriber, as Stripe has it now, and ends the membership a
 * lost dispute of it paid for. A charge with no customer, or whose customer is no subscriber's (or was erased),
 * records nothing.
 */
export async function recordCharge(chargeId: string, now = new Date()): Promise<ChargeOutcome> {
  // Whose charge: its customer never changes, so one look tells whose partition holds the record.
  const first = await StripeApi.Charges.chargeAtStripe(chargeId);
  if (!first) return skip(chargeId, "no_charge");
  // A contribution's charge: the contribution is marked (refunded amount, dispute), nobody's membership touched.
  const paymentIntent = idOf(first.charge.payment_intent);
  const contribution = paymentIntent && (await Contributions.contributionOfPaymentIntent(paymentIntent));
  if (contribution) {
    await Contributions.markCharge(contribution, chargeId, now);
    return { recorded: false, contribution };
  }
  // A gift's charge: refunded or disputed before redemption, the gift is void.
  const gift = paymentIntent && (await Gifts.giftOfPaymentIntent(paymentIntent));
  if (gift) {
    await Gifts.voidCharge(gift, chargeId, now);
    return { recorded: false, gift };
  }
  const customerId = customerOf(first.charge);
  if (!customerId) return skip(chargeId, "no_customer");
  if (await Db.Erasure.isErasedCustomer(customerId)) return skip(chargeId, "erased");
  // A charge's events may beat its customer's first subscription events: the customer is synced then (tied and its
  // patron made, if it holds a membership), so a dispute lost meanwhile still ends the membership it paid for.
  const subscriberId = (await subscriberOfCustomer(customerId, now)) ?? (await syncCustomer(customerId, {}, now)).subscriberId;
  // A tie outliving its subscriber (erased before ties were forgotten) must not grow a partition again.
  if (!subscriberId || !(await Db.Subscribers.get(subscriberId))) return skip(chargeId, "no_subscriber");

  const at = now.toISOString();
  const { record, lost } = await Db.retryWrite(`recording charge ${chargeId}`, async (attempt) => {
    const before = await Db.Charges.get(subscriberId, chargeId);
    // Asked after the read (the first look was before it): a slower attempt holding older news fails its write.
    const stripe = attempt === 1 && !before ? first : await StripeApi.Charges.chargeAtStripe(chargeId);
    if (!stripe) return { record: before, lost: undefined };
    const derived = derive(stripe, subscriberId, customerId);
    const changed = !before || JSON.stringify(content(before)) !== JSON.stringify(content(derived));
    const record: ChargeRecord = {
      ...derived,
      recordedAt: before?.recordedAt ?? at,
      updatedAt: changed ? at : before!.updatedAt,
      version: (before?.version ?? 0) + 1,
    };
    await Db.Charges.save(record, before);
    return { record, lost: stripe.disputes.find((dispute) => dispute.status === "lost") };
  });
  if (!record) return skip(chargeId, "no_charge");
  log.info(
    {
      event: "charge.recorded",
      chargeId,
      subscriberId,
      subscriptionId: record.subscriptionId ?? null,
      refunded: record.amountRefunded,
      dispute: record.dispute ? { id: record.dispute.id, status: record.dispute.status } : null,
    },
    "stripe charge recorded",
  );
  if (!lost) return { recorded: true };
  const cancelledSubscription = await endDisputedMembership(record, lost);
  return { recorded: true, ...(cancelledSubscription && { cancelledSubscription }) };
}

/**
 * A lost dispute of a membership payment: cancels the subscription it paid, if it is a membership and still live,
 * then syncs the patron. Safe to repeat: an ended subscription is not cancelled again, and the sync is idempotent.
 */
async function endDisputedMembership(record: ChargeRecord, dispute: Stripe.Dispute): Promise<string | undefined> {
  if (!record.subscriptionId) {
    log.info({ event: "charge.dispute_lost", chargeId: record.chargeId, disputeId: dispute.id }, "dispute lost: no membership payment");
    return undefined;
  }
  const client = await StripeApi.stripe();
  const subscription = await client.subscriptions.retrieve(record.subscriptionId);
  // Another product's subscription on a shared Stripe account is not Tidings' to cancel.
  if (!membershipOf(subscription)) {
    log.info({ event: "charge.dispute_lost", chargeId: record.chargeId, subscriptionId: subscription.id }, "dispute lost: not a membership");
    return undefined;
  }
  const live = !StripeApi.Charges.ENDED.has(subscription.status);
  const cancelled = live && (await StripeApi.Charges.cancelAtOnce(subscription.id, `Tidings: dispute ${dispute.id} lost`));
  log.warn(
    { event: "charge.dispute_lost", chargeId: record.chargeId, disputeId: dispute.id, subscriptionId: subscription.id, cancelled },
    "dispute lost on a membership payment: membership ended",
  );
  await syncCustomer(customerOf(subscription) ?? record.customerId);
  return cancelled ? subscription.id : undefined;
}

/** The record as Stripe has the charge now (without the times and version kept here). */
function derive(stripe: StripeApi.Charges.ChargeAtStripe, subscriberId: string, customerId: string) {
  const { charge, disputes, invoiceId, subscriptionId } = stripe;
  const latest = disputes[0];
  return {
    subscriberId,
    chargeId: charge.id,
    customerId,
    amount: charge.amount,
    currency: charge.currency,
    amountRefunded: charge.amount_refunded,
    status: charge.status,
    ...(invoiceId && { invoiceId }),
    ...(subscriptionId && { subscriptionId }),
    ...(latest && {
      dispute: { id: latest.id, status: latest.status, reason: latest.reason, amount: latest.amount, openedAt: iso(latest.created) },
    }),
    chargedAt: iso(charge.created),
  };
}

const content = ({ recordedAt, updatedAt, version, ...rest }: Partial<ChargeRecord>) => rest;

function skip(chargeId: string, skipped: NonNullable<ChargeOutcome["skipped"]>): ChargeOutcome {
  log.info({ event: "charge.skipped", chargeId, reason: skipped }, "stripe charge not recorded");
  return { recorded: false, skipped };
}
