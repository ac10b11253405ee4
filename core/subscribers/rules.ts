import type { OptIn, Subscriber } from "./types";

/** The numbers of the subscriber rules in `product.md`, in one place. */
export const LIMITS = {
  /** An unconfirmed sign-up is forgotten after this many days (and its confirmation link expires with it). */
  pendingDays: 7,
  /** Sign-up emails (confirmation, "already subscribed") to one address: at most one per this many minutes… */
  minutesBetweenEmails: 10,
  /** …and at most this many per 24 hours. */
  emailsPerDay: 5,
  /** Sign-ups accepted from one IP address per window; more get 429. */
  signupsPerIp: 20,
  signupsPerIpWindowSeconds: 60 * 60,
} as const;

/** Version of the consent wording shown beside sign-up forms; stored with every consent record. */
export const CONSENT_TEXT_VERSION = "2026-11";

/** The unconfirmed opt-in of this id: the newest, or one a later sign-up replaced whose link is still out. */
export function waitingOptIn(subscriber: Subscriber, id: string): OptIn | undefined {
  return [subscriber.optIn, ...(subscriber.earlierOptIns ?? [])].find((optIn) => optIn?.id === id);
}

/** Whether an opt-in is too old to confirm: its link lives as long as the sign-up would. */
export function optInExpired(optIn: { requestedAt: string }, now: Date = new Date()): boolean {
  return now.getTime() - Date.parse(optIn.requestedAt) > LIMITS.pendingDays * 24 * 60 * 60 * 1000;
}

/**
 * Whether a stored sign-up has expired: only an unconfirmed sign-up carries `expiresAt` (epoch seconds; confirming
 * clears it), and TTL deletes it only some time after, so every read treats it as gone from that second on.
 * Works on a subscriber or on any item written with it (its email and follow items carry the same `expiresAt`).
 */
export function signupExpired(item: { expiresAt?: number | null } | undefined, now: Date = new Date()): boolean {
  return item?.expiresAt != null && item.expiresAt * 1000 <= now.getTime();
}
