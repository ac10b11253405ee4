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
