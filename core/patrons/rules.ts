/**
 * The membership rules of `product.md`, as pure functions of what Stripe says now, what is stored and the time:
 * which subscription counts, what patron status it means, and which email a change of status owes.
 */
import { tierOfPrice, type Tier } from "../config/tiers";
import { cancellationAfter, storedCancellation, type MembershipCancellation } from "./cancelling";
import { isPaying, type NoticeKind, type Patron, type PatronStatus } from "./types";

/** A subscription at a configured tier's price, as Stripe has it now (fetched, never taken from an event). */
export interface PaidMembership {
  subscriptionId: string;
  customerId: string;
  priceId: string;
  tierId: string;
  /** Stripe's subscription status. */
  status: string;
  /** ISO times of the current billing period. */
  periodStart?: string;
  periodEnd?: string;
  cancelAtPeriodEnd: boolean;
  /** Epoch seconds, for choosing the newest. */
  created: number;
  /**
   * Past due: when the debt began, ISO (the first of its invoices still unpaid). Grace counts from here, so renewals
   * that fail while the debt stands don't start it again.
   */
  unpaidSince?: string;
  /**
   * Collection paused at Stripe (`pause_collection`): Stripe keeps the subscription `active` and clears the pause at
   * `resumes_at` (a `customer.subscription.updated`). `pausedUntil` is that time, ISO; without it (a pause made in
   * Stripe's Dashboard "indefinitely") it lasts until someone resumes it.
   */
  collectionPaused?: boolean;
  pausedUntil?: string;
  /** Ending or ended at a request (`cancellation_details`, `canceled_at`): see cancelling.ts. */
  cancellation?: MembershipCancellation;
  /** Where its Checkout came from (attribution: the subscription's metadata `source`), if it says. */
  source?: string;
}

/** A membership an editor grants: a tier until a time. */
export interface Comp {
  tierId: string;
  /** ISO time. */
  until: string;
  /** The editor (token name) who granted it. */
  by?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The patron status a subscription means: `active`/`trialing` → active (`paused` while its collection is paused
 * until a time still to come); `past_due` → grace until `graceDays` after
 * the debt began (its first unpaid invoice; else the start of the period it failed to pay), lapsed after; `canceled`, `unpaid`, `paused`,
 * `incomplete_expired` → lapsed; `incomplete` (the first payment not made yet) → not a patron yet (undefined).
 */
export function paidStatus(
  membership: PaidMembership,
  now: Date,
  graceDays: number,
): { status: PatronStatus; graceUntil?: string } | undefined {
  switch (membership.status) {
    case "active":
    case "trialing":
      // Paused until a time still to come; once it has passed, active again even before Stripe's event says so.
      return membership.collectionPaused && !(membership.pausedUntil && membership.pausedUntil <= now.toISOString()) ? { status: "paused" } : { status: "active" };
    case "past_due": {
      const failedAt = Date.parse(membership.unpaidSince ?? membership.periodStart ?? "") || now.getTime();
      const graceUntil = new Date(failedAt + graceDays * DAY_MS).toISOString();
      return graceUntil > now.toISOString() ? { status: "grace", graceUntil } : { status: "lapsed" };
    }
    case "incomplete":
      return undefined;
    default: // canceled, unpaid, paused, incomplete_expired, and anything Stripe adds that isn't paying
      return { status: "lapsed" };
  }
}

/** Stripe statuses that never had a paid period: they make nobody a patron. */
export const NEVER_PAID: ReadonlySet<string> = new Set(["incomplete", "incomplete_expired"]);
const neverPaid = NEVER_PAID;

const rank = (status: string) =>
  status === "active" || status === "trialing" ? 4 : status === "past_due" ? 3 : neverPaid.has(status) ? (status === "incomplete" ? 0 : 1) : 2;

/**
 * The subscription that decides a patron's membership when they have several (a rejoin, a second checkout): the
 * one that pays best (active, then past due, then ended), the newest among equals. Deterministic, so every
 * event of a customer leads to the same answer whatever the order.
 */
export function choose(memberships: readonly PaidMembership[]): PaidMembership | undefined {
  return [...memberships].sort(
    (a, b) => rank(b.status) - rank(a.status) || b.created - a.created || b.subscriptionId.localeCompare(a.subscriptionId),
  )[0];
}

/**
 * The email a change of status owes (`undefined`: none). A pause owes "paused until …" (not the lapsed email: it
 * is not leaving), its end none (not joining); a paused patron whose subscription then ends is owed the lapsed one.
 */
export function noticeFor(from: PatronStatus | undefined, to: PatronStatus): NoticeKind | undefined {
  if ((to === "active" || to === "comped") && (from === undefined || from === "lapsed")) return "welcome";
  if (to === "grace" && from !== "grace") return "payment_failed";
  if (to === "lapsed" && from !== undefined && from !== "lapsed") return "lapsed";
  if (to === "paused" && from === "active") return "paused"; // "paused until …", the date it resumes by itself
  return undefined;
}

/** Whether an owed email still fits the status (a welcome is not sent to someone who has lapsed since). */
export function noticeFits(kind: NoticeKind, status: PatronStatus): boolean {
  if (kind === "paused") return status === "paused"; // resumed since: the date it told is gone
  return kind === "welcome" ? status === "active" || status === "comped" : kind === "payment_failed" ? status === "grace" : status === "lapsed";
}

/**
 * The patron that `current` becomes given Stripe's chosen subscription (`paid`, if any) and any comp, at `now`.
 * Answers undefined when there is (still) no patron. Paid and active wins; then a running comp; then what the
 * subscription says. The version is not moved here (the write does that).
 */
export function derive(
  current: Patron | undefined,
  paid: PaidMembership | undefined,
  subscriberId: string,
  now: Date,
  graceDays: number,
  grant?: Comp,
): Patron | undefined {
  const at = now.toISOString();
  const fromStripe = paid ? paidStatus(paid, now, graceDays) : undefined;
  const comp = grant ?? (current?.compTierId && current.compedUntil ? { tierId: current.compTierId, until: current.compedUntil, by: current.compedBy } : undefined);
  const compRunning = comp !== undefined && comp.until > at;

  let status: PatronStatus | undefined;
  if (fromStripe?.status === "active") status = "active";
  else if (compRunning) status = "comped";
  else if (fromStripe && !(current === undefined && paid && neverPaid.has(paid.status))) status = fromStripe.status;
  else if (current) status = current.status === "comped" ? "lapsed" : current.status; // no subscription to say otherwise
  if (!status) return undefined;

  const base: Patron = current ?? { subscriberId, status, tierId: "", createdAt: at, updatedAt: at, version: 0 };
  const next: Patron = {
    ...base,
    ...(comp && { compTierId: comp.tierId, compedUntil: comp.until, compedBy: comp.by }),
    status,
    tierId: status === "comped" ? comp!.tierId : (paid?.tierId ?? base.tierId),
    ...(paid && {
      stripeCustomerId: paid.customerId,
      stripeSubscriptionId: paid.subscriptionId,
      stripePriceId: paid.priceId,
      subscriptionStatus: paid.status,
      currentPeriodStart: paid.periodStart,
      currentPeriodEnd: paid.periodEnd,
      cancelAtPeriodEnd: paid.cancelAtPeriodEnd,
      unpaidSince: paid.status === "past_due" ? paid.unpaidSince : undefined,
    }),
    graceUntil: status === "grace" ? fromStripe?.graceUntil : undefined,
    pausedUntil: status === "paused" ? paid?.pausedUntil : undefined,
    cancellation: cancellationAfter(base.cancellation, paid, at),
  };
  if (!next.tierId && comp) next.tierId = comp.tierId;
  // Attribution: the source of the first subscription they pay through, set once (and counted then: db/sources.ts).
  if (!next.source && paid?.source && isPaying(next)) next.source = paid.source;
  if (status === "lapsed" && current?.status !== "lapsed") next.lapsedAt = at;
  const kind = noticeFor(current?.status, status);
  if (kind) next.notice = { kind, version: (current?.version ?? 0) + 1 };
  return next;
}

/** The subscription as last stored on the patron (for rules applied without asking Stripe: expiry). */
export function storedMembership(patron: Patron, tiers: readonly Tier[]): PaidMembership | undefined {
  if (!patron.stripeSubscriptionId || !patron.stripeCustomerId || !patron.subscriptionStatus) return undefined;
  return {
    subscriptionId: patron.stripeSubscriptionId,
    customerId: patron.stripeCustomerId,
    priceId: patron.stripePriceId ?? "",
    tierId: tierOfPrice(tiers, patron.stripePriceId)?.id ?? patron.tierId,
    status: patron.subscriptionStatus,
    periodStart: patron.currentPeriodStart,
    periodEnd: patron.currentPeriodEnd,
    cancelAtPeriodEnd: patron.cancelAtPeriodEnd ?? false,
    created: 0,
    unpaidSince: patron.unpaidSince,
    collectionPaused: patron.status === "paused",
    pausedUntil: patron.pausedUntil,
    cancellation: storedCancellation(patron),
  };
}

/** Whether two patrons hold the same membership (ignoring bookkeeping: version and times of writing). */
export function sameMembership(a: Patron, b: Patron): boolean {
  const strip = ({ version, updatedAt, createdAt, ...rest }: Patron) => rest;
  return canonical(strip(a)) === canonical(strip(b));
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * Whether a patron reads the patron variant of digests at `now`: active, comped (until the comp ends) and grace
 * (until the grace period ends). Checked against the dates, so a reader is right even before the expiry job runs.
 */
export function readsAsPatron(patron: Patron | undefined, now = new Date()): boolean {
  if (!patron) return false;
  const at = now.toISOString();
  if (patron.status === "active") return true;
  if (patron.status === "comped") return patron.compedUntil !== undefined && patron.compedUntil > at;
  if (patron.status === "grace") return patron.graceUntil !== undefined && patron.graceUntil > at;
  // Paused: the free variant until the pause ends, then the patron's again (it resumes by itself).
  if (patron.status === "paused") return patron.pausedUntil !== undefined && patron.pausedUntil <= at;
  return false;
}
