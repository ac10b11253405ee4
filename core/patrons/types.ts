/** A patron's membership state (see product.md → Memberships). */
/** `paused`: collection paused at Stripe for a while (`pause_collection`), no benefits until it resumes by itself. */
export const patronStatuses = ["active", "grace", "lapsed", "comped", "paused"] as const;
export type PatronStatus = (typeof patronStatuses)[number];

/**
 * A subscriber who holds a membership, paid through Stripe or granted by an editor. Kept on the subscriber's
 * partition (`SUB#<id>` / `PATRON`), found by Stripe customer through a GSI.
 */
export interface Patron {
  subscriberId: string;
  status: PatronStatus;
  /** A configured tier id (`TIERS`). */
  tierId: string;
  /** The Stripe customer of the subscription that decides the membership (the one "Manage billing" opens). */
  stripeCustomerId?: string;
  /** Every Stripe customer the subscriber has paid through (a second checkout makes a second one), sorted. */
  stripeCustomerIds?: string[];
  stripeSubscriptionId?: string;
  stripePriceId?: string;
  /** Stripe's own subscription status, as last seen (`active`, `past_due`, `canceled`, ...). */
  subscriptionStatus?: string;
  /** When the paid period began (a failed renewal: the grace period counts from here), ISO. */
  currentPeriodStart?: string;
  /** When the paid period ends (renewal date), ISO. */
  currentPeriodEnd?: string;
  cancelAtPeriodEnd?: boolean;
  /** Past due: when the unpaid debt began (its first unpaid invoice), ISO; grace counts from here. */
  unpaidSince?: string;
  /** `grace`: benefits are kept until then (GRACE_DAYS after the debt began). */
  graceUntil?: string;
  /** `comped`: granted by an editor until then. */
  compedUntil?: string;
  /** The tier an editor granted, kept apart from the paid one so a comp outlives a lapsed subscription. */
  compTierId?: string;
  /** Who granted the comp (an editor token's name). */
  compedBy?: string;
  /** When the membership last became `lapsed`. */
  lapsedAt?: string;
  /** The win-back of the lapse at `lapsedAt` is settled: sent, or owed none (core/patrons/winback.ts). */
  winBack?: { lapsedAt: string; outcome: "sent" | "none"; at: string };
  /** Collection paused at Stripe (`pause_collection`) until then, ISO: the membership resumes by itself. */
  pausedUntil?: string;
  /** The last cancellation Stripe collected (`cancellation_details`), kept after the membership ends. */
  cancellation?: Cancellation;
  /** Where the membership came from (attribution: `article:<id>`, `digest:<id>`, `page:<path>`), from its Checkout. */
  source?: string;
  /** The email owed for the last status change, until it is sent (see core/patrons/notify.ts). */
  notice?: Notice;
  createdAt: string;
  updatedAt: string;
  /** Optimistic-concurrency counter. */
  version: number;
}

/** A cancellation as Stripe collected it (`cancellation_details`) on the subscription that decides the membership. */
export interface Cancellation {
  subscriptionId: string;
  /** When it was asked for (Stripe's `canceled_at`), ISO. */
  requestedAt: string;
  /** Stripe's `reason`: `cancellation_requested`, `payment_failed`, `payment_disputed`. */
  reason?: string;
  /** What the patron chose in the Billing Portal (`too_expensive`, `unused`, ...). */
  feedback?: string;
  comment?: string;
  /** Taken back before the period ended (the portal's "renew"), ISO. */
  withdrawnAt?: string;
}

/** The patron emails, one per kind of status change. */
export const noticeKinds = ["welcome", "payment_failed", "lapsed", "paused"] as const;
export type NoticeKind = (typeof noticeKinds)[number];

/** An email owed: its kind and the patron version whose write made it owed (its identity for sending once). */
export interface Notice {
  kind: NoticeKind;
  version: number;
}

/** Eligible patrons vote and read the patron variant: `active` and `comped` (and `grace` for reading; `paused`: neither). */
export const isEligible = (patron: Pick<Patron, "status"> | undefined) =>
  patron?.status === "active" || patron?.status === "comped";

/**
 * Paying patrons: Stripe bills them now (`active`, or `grace` while a failed renewal is retried) and no trial is
 * running. Monthly recurring revenue counts them, and a patron joins or leaves (the editors' figures) as they
 * start or stop being one. Comped patrons pay nothing.
 */
export const isPaying = (patron: Pick<Patron, "status" | "stripeSubscriptionId" | "subscriptionStatus">) =>
  (patron.status === "active" || patron.status === "grace") && Boolean(patron.stripeSubscriptionId) && patron.subscriptionStatus !== "trialing";

/**
 * Members who pay or will again by themselves: paying, or `paused` (collection paused at Stripe, resuming by
 * itself). Joining and leaving (the editors' figures) count by this, so a pause is not churn and its end no join.
 */
export const isMember = (patron: Pick<Patron, "status" | "stripeSubscriptionId" | "subscriptionStatus">) =>
  isPaying(patron) || (patron.status === "paused" && Boolean(patron.stripeSubscriptionId));
