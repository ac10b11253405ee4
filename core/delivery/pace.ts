/**
 * How fast a send goes and how long it has left, as the dashboard shows it while a digest is sending. Emails are
 * counted when SES took them (`sent`, and `bounced` / `complained`, which were sent first) or refused them for good
 * (`failed`); what waits is `queued` and `sending`. The rate is measured between two readings of the counts when the
 * caller kept the earlier one (a refreshing page carries it in its URL), else averaged since sending began.
 */
import type { Digest } from "../digests/types";

/** A reading of a send's progress: when, and how many emails were out by then. */
export interface PaceSample {
  at: number;
  done: number;
}

export interface Pace {
  /** Emails out (sent or failed for good). */
  done: number;
  /** Deliveries still `queued` or `sending`. */
  waiting: number;
  /** Emails per second, or undefined before there is anything to measure. */
  perSecond?: number;
  /** Seconds until the waiting deliveries are out at that rate, or undefined without a rate. */
  secondsLeft?: number;
  /** This reading, to measure the next one against. */
  sample: PaceSample;
}

/** Readings closer than this are too close to measure a rate between; further than this, too old to be "now". */
const MIN_INTERVAL_MS = 500;
const MAX_INTERVAL_MS = 5 * 60_000;

/** The pace of `digest` (with its live counts, `withCounts`) at `now`, against `previous` if it is a usable reading. */
export function paceOf(digest: Digest, now = new Date(), previous?: PaceSample): Pace {
  const { counts } = digest;
  const done = counts.sent + counts.bounced + counts.complained + counts.failed;
  const waiting = counts.queued + counts.sending;
  const sample = { at: now.getTime(), done };
  const interval = previous ? sample.at - previous.at : 0;
  let perSecond: number | undefined;
  if (previous && interval >= MIN_INTERVAL_MS && interval <= MAX_INTERVAL_MS && done >= previous.done) {
    perSecond = ((done - previous.done) * 1000) / interval;
  } else if (digest.sendStartedAt) {
    const elapsed = sample.at - Date.parse(digest.sendStartedAt);
    if (elapsed >= MIN_INTERVAL_MS && done > 0) perSecond = (done * 1000) / elapsed;
  }
  // Nothing waiting counts as done only once something went out (before that, the recipients are still being planned).
  const secondsLeft = perSecond && perSecond > 0 ? Math.ceil(waiting / perSecond) : waiting === 0 && done > 0 ? 0 : undefined;
  return { done, waiting, ...(perSecond !== undefined && { perSecond }), ...(secondsLeft !== undefined && { secondsLeft }), sample };
}
