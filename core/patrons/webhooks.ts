/**
 * Stripe's webhook events and what each means for patrons: a dispatch table keyed by event type. Every handler
 * only says *whose* membership (or which charge) to look at again; what it is now comes from Stripe's API
 * (`sync.ts`, `charges.ts`), so a duplicated, late or out-of-order event does no harm. Types not in the table are
 * acknowledged and ignored; an event of an API version newer than Tidings knows is refused (`StripeApi.Versions`).
 */
import * as Contributions from "../contributions";
import * as Db from "../db";
import * as Gifts from "../gifts";
import { VisibleError } from "../errors";
import { log } from "../log";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import { recordCharge } from "./charges";
import { syncEmail } from "./email-change";
import { SUBSCRIBER_KEY } from "./resolve";
import { syncCustomer } from "./sync";

const { chargeIdOf, customerOf, idOf, metadataValue, subscriptionOfInvoice } = StripeApi.Objects;

/** How long an event is held by the one processing it before a redelivery may take it over. */
const LEASE_SECONDS = 120;
/** How long a processed event id is remembered (Stripe retries for up to three days). */
const REMEMBER_SECONDS = 30 * 24 * 60 * 60;

type Handler = (event: Stripe.Event) => Promise<unknown>;

const onSubscription: Handler = async (event) => {
  const subscription = event.data.object as Stripe.Subscription;
  const customer = customerOf(subscription);
  if (customer) await syncCustomer(customer, { subscriberId: metadataValue(subscription, SUBSCRIBER_KEY) });
};

const onInvoice: Handler = async (event) => {
  const invoice = event.data.object as Stripe.Invoice;
  const customer = customerOf(invoice);
  // One-off invoices are not memberships.
  if (customer && subscriptionOfInvoice(invoice)) await syncCustomer(customer);
};

/** A charge's refund or dispute (the event's object is the charge, the dispute or the refund). */
const onCharge: Handler = async (event) => {
  const charge = chargeIdOf(event.data.object as { object?: string; id?: string; charge?: string | { id: string } | null });
  if (charge) await recordCharge(charge);
};

/** A payment-mode session marked as a contribution's is recorded there (once, when paid); memberships as before. */
const onCheckout: Handler = async (event) => {
  const session = event.data.object as Stripe.Checkout.Session;
  if (Contributions.isContributionSession(session)) return Contributions.recordSession(session);
  if (Gifts.isGiftSession(session)) return Gifts.recordSession(session);
  const customer = idOf(session.customer);
  if (session.mode !== "subscription" || !customer) return;
  await syncCustomer(customer, { subscriberId: session.client_reference_id ?? metadataValue(session, SUBSCRIBER_KEY) });
};

/**
 * A card (source) of the customer expires at the end of this month: warn if it pays a renewal due after that. The
 * warning's code loads with its first event (`card-expiry.ts`), not with every cold start of the API.
 */
const onSourceExpiring: Handler = async (event) => {
  const card = event.data.object as { id?: string; object?: string; customer?: string | { id: string } | null };
  const customer = customerOf(card);
  if (customer && card.id) await (await import("./card-expiry")).warnExpiringCard(customer, { cardId: card.id });
};

/** A renewal is coming (the preview has no id): warn if the card that will pay it expires before. */
const onUpcomingInvoice: Handler = async (event) => {
  const invoice = event.data.object as Stripe.Invoice;
  const customer = customerOf(invoice);
  const subscription = subscriptionOfInvoice(invoice);
  if (customer && subscription) await (await import("./card-expiry")).warnExpiringCard(customer, { subscriptionId: subscription });
};

export const handlers: Record<string, Handler> = {
  "checkout.session.completed": onCheckout,
  // A contribution paid by a method that settles later (a bank debit): recorded when it has.
  "checkout.session.async_payment_succeeded": async (event) => {
    const session = event.data.object as Stripe.Checkout.Session;
    if (Contributions.isContributionSession(session)) await Contributions.recordSession(session);
    if (Gifts.isGiftSession(session)) await Gifts.recordSession(session);
  },
  "customer.subscription.created": onSubscription,
  "customer.subscription.updated": onSubscription,
  "customer.subscription.deleted": onSubscription,
  "invoice.paid": onInvoice,
  "invoice.payment_failed": onInvoice,
  "invoice.upcoming": onUpcomingInvoice,
  "customer.source.expiring": onSourceExpiring,
  "customer.updated": async (event) => syncEmail((event.data.object as Stripe.Customer).id),
  // Deleting a customer cancels its subscriptions; a purged one no longer lists them: either way its membership ends.
  "customer.deleted": async (event) => syncCustomer((event.data.object as { id: string }).id),
  "charge.refunded": onCharge,
  "charge.refund.updated": onCharge,
  "charge.dispute.created": onCharge,
  "charge.dispute.updated": onCharge,
  "charge.dispute.closed": onCharge,
};

export type Outcome = "processed" | "duplicate" | "ignored";

/**
 * An event claimed by another delivery and not processed yet: answered 503, so that Stripe delivers it again later.
 * Answering 200 ("duplicate") would lose it whenever the delivery holding the claim then fails or dies, as Stripe
 * never retries an event it got a 200 for.
 */
export function eventInFlight(eventId: string): VisibleError {
  return new VisibleError("unavailable", "event_in_flight", `Event ${eventId} is being processed; deliver it again later.`, {
    retryAfterSeconds: LEASE_SECONDS,
  });
}

/**
 * Processes a verified event once: unknown types are ignored; a known one is claimed by its id under a lease (a
 * conditional put), handled, and remembered. An event processed already is a duplicate (200); one claimed and not
 * processed yet is in flight (503, see `eventInFlight`). If handling fails the claim is given back and the error
 * thrown, so the caller answers 5xx and Stripe's redelivery is processed.
 */
export async function receive(event: Stripe.Event, now = new Date()): Promise<Outcome> {
  const handle = handlers[event.type];
  if (!handle) return "ignored";
  // Before the claim: a refused event is not remembered, so its delivery once the endpoint is fixed is processed.
  await StripeApi.Versions.checkVersion(event).catch((error) => {
    log.error(
      { event: "stripe.unsupported_api_version", apiVersion: event.api_version ?? null, type: event.type, eventId: event.id },
      `stripe event of API version ${String(event.api_version)} refused: set the webhook endpoint's API version`,
    );
    throw error;
  });
  if (!(await Db.Events.once("stripe", event.id, LEASE_SECONDS, now))) {
    if (await Db.Events.processed("stripe", event.id)) return "duplicate";
    log.warn({ event: "stripe.in_flight", type: event.type, eventId: event.id }, "stripe event claimed elsewhere; to be redelivered");
    throw eventInFlight(event.id);
  }
  try {
    await handle(event);
  } catch (error) {
    await Db.Events.release("stripe", event.id).catch((releaseError) =>
      log.error({ err: releaseError, event: "stripe.release_failed", eventId: event.id }, "could not release a failed event"),
    );
    throw error;
  }
  // Processed: a failure to remember it now is logged, not answered 5xx. The lease is left, so a redelivery meets
  // it (503) until it expires and is then processed again, which changes nothing (every handler re-fetches).
  await Db.Events.keep("stripe", event.id, REMEMBER_SECONDS, now).catch((error) =>
    log.error({ err: error, event: "stripe.unremembered", eventId: event.id }, "stripe event processed but not remembered"),
  );
  log.info({ event: "stripe.event", type: event.type, eventId: event.id }, "stripe event processed");
  return "processed";
}
