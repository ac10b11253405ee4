/** What the stand-in holds: Stripe's objects as it knows them, and what it was asked and sent. */
import type Stripe from "stripe";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  /** The `Idempotency-Key` header, when sent. */
  idempotencyKey?: string;
}

/** A price the stand-in knows (Stripe knows its prices; the stand-in is told them, e.g. from TIERS). */
export interface StandInPrice {
  id: string;
  /** What is bought, as the pages name it (a tier's name). */
  name: string;
  amount: number;
  currency: string;
  /** Recurring prices only; a one-off price has none. */
  interval?: "month" | "year";
  /** No longer offered: the portal doesn't offer to switch to it. */
  retired?: boolean;
}

/** One event the hosted pages sent to the webhook endpoint, and how it went. */
export interface Delivery {
  event: Stripe.Event;
  /** The last answer's status (0: no answer). */
  status: number;
  attempts: number;
}

export interface StandInState {
  subscriptions: Map<string, Stripe.Subscription>;
  customers: Map<string, Stripe.Customer | Stripe.DeletedCustomer>;
  checkoutSessions: Array<{ params: Record<string, any>; session: Stripe.Checkout.Session }>;
  portalSessions: Array<{ params: Record<string, any>; session: Stripe.BillingPortal.Session }>;
  charges: Map<string, Stripe.Charge>;
  disputes: Map<string, Stripe.Dispute>;
  invoices: Map<string, Stripe.Invoice>;
  invoicePayments: Map<string, Stripe.InvoicePayment>;
  paymentIntents: Map<string, Stripe.PaymentIntent>;
  /** Card payment methods (and card sources, by their `card_…` ids), as `GET /v1/payment_methods/:id` reads them. */
  paymentMethods: Map<string, Stripe.PaymentMethod>;
  /** Promotion codes by id (Checkout's `discounts` name them; listed by their customer-facing code). */
  promotionCodes: Map<string, Stripe.PromotionCode>;
  prices: StandInPrice[];
  /** Events sent by the hosted pages, oldest first. */
  deliveries: Delivery[];
  requests: RecordedRequest[];
}
