/** The welcome series' ledger: one delivery per step of a subscriber's series (templates/series.ts). */

export const seriesStatuses = ["queued", "sent", "skipped", "failed"] as const;
export type SeriesStatus = (typeof seriesStatuses)[number];

/**
 * Why a step was not sent: the reader unsubscribed, bounced or complained (their status then), became a patron,
 * there was nothing to read (best-of), or the step is no longer configured.
 */
export type SkipReason = "unsubscribed" | "bounced" | "complained" | "pending" | "patron" | "nothing-to-read" | "not-configured";

export interface SeriesDelivery {
  subscriberId: string;
  /** The step's id (`SERIES_STEPS`): the email it sends. */
  step: string;
  /** Days after the confirmation, as configured when the series was written. */
  day: number;
  /** When it is due, ISO: the confirmation plus `day` days. */
  dueAt: string;
  status: SeriesStatus;
  /** Skipped or failed: why. */
  reason?: string;
  /** When the schedule last put it on the transactional queue (put again only if it is still queued long after). */
  enqueuedAt?: string;
  sentAt?: string;
  /** SES's id of the email sent (a bounce or complaint names it). */
  sesMessageId?: string;
  settledAt?: string;
  createdAt: string;
}

export type SeriesOutcome =
  | { status: "sent"; sesMessageId: string }
  | { status: "skipped"; reason: SkipReason }
  | { status: "failed"; reason: string };
