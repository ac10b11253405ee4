/**
 * The welcome series: what a new subscriber gets after confirming, step by step. Each step is a delivery in the
 * ledger (core/series), sent once when its day comes (days after the confirmation, at the time of day it was
 * confirmed; the hourly schedule picks it up), and not at all once the reader has unsubscribed, bounced or become
 * a patron. To change the series, edit this list: move a step's `day`, or drop a step. A subscriber's series is
 * written at their confirmation, so a change applies to those who confirm after it is deployed.
 *
 * Step ids name the email (`emails` in core/series/messages.ts): `welcome` (sent at the confirmation itself, day 0),
 * `best-of` (the best of recent articles on their topics), `patron-invitation` (why the newsroom is reader-funded,
 * and the tiers). Kept free of imports: the confirmation reads it.
 */
export const SERIES_EMAILS = ["welcome", "best-of", "patron-invitation"] as const;
export type SeriesEmail = (typeof SERIES_EMAILS)[number];

export interface SeriesStep {
  /** The email this step sends; also the step's id in the ledger (one step per email). */
  id: SeriesEmail;
  /** Days after the confirmation; 0 is the confirmation itself. */
  day: number;
}

export const SERIES_STEPS: readonly SeriesStep[] = [
  { id: "welcome", day: 0 },
  { id: "best-of", day: 3 },
  { id: "patron-invitation", day: 10 },
];
