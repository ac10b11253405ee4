/**
 * A gift: a membership of a tier for a number of months, paid by one person (the buyer) for another (the
 * recipient), recorded once per Checkout session, delivered as a redeem link on its date, redeemed once.
 *
 * `paid` (recorded, waiting for its date) → `delivered` (the redeem link sent) → `redeemed` (a comped patron);
 * `void` when its charge was refunded or disputed before it was redeemed, or its recipient was erased before
 * redeeming it (never delivered or redeemed after).
 */
export const giftStatuses = ["paid", "delivered", "redeemed", "void"] as const;
export type GiftStatus = (typeof giftStatuses)[number];

export interface Gift {
  /** The Checkout session's id (`cs_…`). */
  id: string;
  tierId: string;
  months: number;
  recipientEmail: string;
  recipientName?: string;
  /** The buyer's message to the recipient, as typed (escaped wherever it is shown). */
  message?: string;
  /** `YYYY-MM-DD` (UTC): the day the redeem link is sent. */
  deliverOn: string;
  /** Who paid: the address Checkout collected, and their subscriber if they are one. */
  buyerEmail?: string;
  buyerSubscriberId?: string;
  paymentIntentId?: string;
  /**
   * The language of the page the buyer bought it from (its Checkout metadata). Its recipient's emails speak it, unless
   * they are a subscriber with a language of their own (`recipientLanguage`).
   */
  language?: string;
  /** Where it was bought from (attribution, its Checkout metadata `source`). */
  source?: string;
  /** What was paid, in the currency's minor unit. */
  amount: number;
  currency: string;
  status: GiftStatus;
  deliveredAt?: string;
  /** Redeemed: by whom, when, and the end of the comp it made. */
  redeemedBy?: string;
  redeemedAt?: string;
  endsAt?: string;
  invitedAt?: string;
  /** Why it is void (`refunded`, `disputed`, or `recipient_erased`), and when. */
  voidReason?: string;
  voidedAt?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** What stands for a recipient's address once erasure took it: nothing is ever sent to it. */
export const ERASED_ADDRESS = "erased";
/** The `voidReason` of a gift not redeemed when its recipient was erased: nobody can be sent it any more. */
export const ERASED_REASON = "recipient_erased";

/** The metadata keys on a gift's Checkout session and payment intent (`kind: gift`). */
export const KIND_KEY = "kind";
export const KIND = "gift";
/** The longest gift: two years, so a gift never outlives a price change by much and its refund window stays sane. */
export const MAX_MONTHS = 24;
/** How far ahead a delivery date may be (days). */
export const MAX_DELIVERY_DAYS = 365;
export const MAX_MESSAGE = 500;
/** How long before a gift's end its recipient is invited to continue as a paying patron. */
export const INVITE_BEFORE_DAYS = 7;
