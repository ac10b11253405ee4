export const statuses = ["pending", "active", "unsubscribed", "bounced", "complained"] as const;
export type Status = (typeof statuses)[number];

export const frequencies = ["daily", "weekly"] as const;
export type Frequency = (typeof frequencies)[number];

/** How and when someone agreed to receive email: kept as evidence of double opt-in. */
export interface Consent {
  /** When the sign-up was requested. */
  requestedAt: string;
  /** When the confirmation link was followed (absent for an open opt-in). */
  confirmedAt?: string;
  /** The opt-in the confirmation link named (`OptIn.id`), once followed. */
  optInId?: string;
  /** The form or channel: `api`, `form`, `import`. */
  source: string;
  /** A keyed hash of the requester's IP address: evidence without storing the address. */
  ipHash?: string;
  userAgent?: string;
  /** Version of the consent text shown at sign-up. */
  textVersion: string;
  /** An imported subscriber (`source: import`): when, and by which editor (token name), the list was imported. */
  importedAt?: string;
  importedBy?: string;
  /**
   * Where the sign-up came from (attribution: `article:<id>`, `digest:<id>`, `page:<path>`, `email:<name>`), kept with
   * the opt-in and so with the subscription it becomes; counted by source (core/db/sources.ts).
   */
  attribution?: string;
}

/** A sign-up waiting for its confirmation: what will apply once the link is followed. */
export interface OptIn {
  /**
   * Names this opt-in in its confirmation link, so the link confirms what was asked when it was sent and nothing a
   * later sign-up wrote. Absent on opt-ins stored before links named them.
   */
  id?: string;
  requestedAt: string;
  name?: string;
  topics: string[];
  frequency: Frequency;
  /** The language asked for at this sign-up (`LANGUAGES`): its confirmation speaks it, and confirming applies it. */
  language?: string;
  consent: Consent;
}

export interface Subscriber {
  id: string;
  /** Lower-cased; emails are compared case-insensitively. */
  email: string;
  name?: string;
  /** The language of their email and of the pages their links open (`LANGUAGES`); absent: the default language. */
  language?: string;
  status: Status;
  /** Topic ids followed; none means all topics. */
  topics: string[];
  frequency: Frequency;
  /** ISO date (YYYY-MM-DD): no digest until after this day. */
  pausedUntil?: string;
  createdAt: string;
  updatedAt: string;
  confirmedAt?: string;
  unsubscribedAt?: string;
  /** The consent of the current subscription (after confirming). */
  consent?: Consent;
  optIn?: OptIn;
  /**
   * The opt-ins `optIn` replaced that are still unconfirmed, newest first (at most `LIMITS.emailsPerDay - 1`): each
   * had a confirmation emailed, whose link still confirms it, whatever a later sign-up asked.
   */
  earlierOptIns?: OptIn[];
  /** When confirmation emails were sent, newest last, at most the last five: the per-address limit. */
  confirmationsSentAt: string[];
  /**
   * Transient (soft) bounces in a row since the last delivery SES reported; absent means none. The third in a
   * row suppresses the subscriber (`bounced`); a delivery resets the count.
   */
  transientBounces?: number;
  /** When a bounce or complaint stopped email to this subscriber (status `bounced` or `complained`). */
  suppressedAt?: string;
  /** Why, in words an editor can read: "permanent bounce (General): …", "3 transient bounces in a row", "complaint (abuse)". */
  suppressedReason?: string;
  /** When the address last changed (a patron's change, confirmed from the new address): older sign-in links stop working. */
  emailChangedAt?: string;
  /** Optimistic-concurrency counter: every write checks the version it read. */
  version: number;
  /** Epoch seconds after which an unconfirmed sign-up is gone (DynamoDB TTL; filtered in code too). */
  expiresAt?: number;
}
