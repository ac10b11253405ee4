/**
 * Win-back: a patron whose paid membership lapsed gets one email `WINBACK_DAYS` after it lapsed, with the way back
 * (their former tier on `/join`, and `WINBACK_PROMOTION_CODE` when set). Run by the lifecycle schedule (hourly).
 *
 * - **Who**: at send time still `lapsed` with the same `lapsedAt` (not a patron again, not lapsed again since), a
 *   subscriber who exists (erasure deletes the patron, so an erased reader is never found) and is `active`
 *   (unsubscribed, bounced, complained: never), whose lapse ended a membership paid through Stripe. A comp that
 *   ended (an editor's, or a gift's, whose recipient was invited to continue a week before it ended) gets none.
 * - **Found by the lapse's time**, never by walking every lapse: lapsed patrons sort by `lapsedAt` in their status
 *   partition, and each run reads, a page at a time, those who lapsed between `WINBACK_DAYS` and `WINBACK_DAYS` +
 *   `CATCH_UP_DAYS` ago (runs missed for up to a week are caught up), less those already settled (`winBack` marks
 *   the lapse on the patron).
 * - **Once per lapse**: claimed under the subscriber's partition by their id and `lapsedAt` under a lease, kept
 *   400 days once sent (a second lapse later has its own), given back when sending fails (the next run tries again);
 *   concurrent runs send one email.
 */
import * as Config from "../config";
import * as Db from "../db";
import { log } from "../log";
import { withSource } from "../stats/attribution";
import { manageUrl, unsubscribeUrl } from "../subscribers/links";
import type { Subscriber } from "../subscribers/types";
import * as Transactional from "../transactional";
import type * as Email from "../email";
import { CLAIM_LEASE_SECONDS, dateInWords, patronEmailData } from "./notify";
import type { Patron } from "./types";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Lapses this many days past due are still sent (the schedule was down); older ones are let go. */
export const CATCH_UP_DAYS = 7;
/** Claims of sent win-backs outlive any run that could still find their lapse. */
const SENT_SECONDS = 400 * 24 * 60 * 60;
const PAGE_SIZE = 100;
/**
 * A run stops after this long (the lifecycle's Lambda has 10 minutes for all its jobs, and emails go at the
 * transactional reserve's pace): the next hour's run goes on where it stopped, within the catch-up window.
 */
const RUN_BUDGET_MS = 3 * 60 * 1000;
/** The attribution of a rejoining from the win-back (core/stats/attribution.ts). */
export const WINBACK_SOURCE = "email:winback";

export interface WinBackReport {
  /** Subscribers sent their win-back in this run. */
  sent: string[];
  /** Lapses found owing none (not paid, the reader not reachable, a patron again). */
  settled: number;
  /** Subscribers whose win-back failed to send (tried again at the next run). */
  failed: string[];
}

/** Sends the win-backs due at `now`, a page of `pageSize` lapses at a time. */
export async function winBack(now = new Date(), options: { pageSize?: number; budgetMs?: number } = {}): Promise<WinBackReport> {
  const report: WinBackReport = { sent: [], settled: 0, failed: [] };
  const due = new Date(now.getTime() - Config.get().WINBACK_DAYS * DAY_MS);
  const from = new Date(due.getTime() - CATCH_UP_DAYS * DAY_MS).toISOString();
  const stopAt = Date.now() + (options.budgetMs ?? RUN_BUDGET_MS);
  let cursor: Record<string, unknown> | undefined;
  let outOfTime = false;
  do {
    const page = await Db.WinBacks.lapsedBetween(from, due.toISOString(), { cursor, limit: options.pageSize ?? PAGE_SIZE });
    for (const patron of page.patrons) {
      if ((outOfTime = Date.now() >= stopAt)) break;
      try {
        const outcome = await winBackOnce(patron, now);
        if (outcome === "sent") report.sent.push(patron.subscriberId);
        else if (outcome === "none") report.settled++;
      } catch (error) {
        report.failed.push(patron.subscriberId);
        log.error({ err: error, event: "winback.failed", subscriberId: patron.subscriberId }, "win-back not sent; the next run tries again");
      }
    }
    cursor = page.cursor;
  } while (cursor && !outOfTime);
  const level = report.sent.length + report.failed.length > 0 ? "info" : "debug"; // npm start runs it every few seconds
  log[level]({ event: "winback.run", sent: report.sent.length, settled: report.settled, failed: report.failed.length, more: outOfTime }, "win-back ran");
  return report;
}

/**
 * Whether a lapse ended a membership paid through Stripe, rather than a comp that outlasted it (an editor's or a
 * gift's: its end came after the paid period's).
 */
export function endedPaidMembership(patron: Patron): boolean {
  if (!patron.stripeSubscriptionId) return false;
  const compEnded = patron.compedUntil !== undefined && patron.lapsedAt !== undefined && patron.compedUntil <= patron.lapsedAt;
  return !(compEnded && patron.compedUntil! >= (patron.currentPeriodEnd ?? ""));
}

/** Why a lapse is owed no win-back at send time (undefined: it is owed one). */
function reasonForNone(patron: Patron | undefined, subscriber: Subscriber | undefined, lapsedAt: string): string | undefined {
  if (!patron || !subscriber) return "erased";
  if (patron.status !== "lapsed" || patron.lapsedAt !== lapsedAt) return "patron again, or lapsed again since";
  if (subscriber.status !== "active") return `subscriber ${subscriber.status}`;
  if (!endedPaidMembership(patron)) return "not a paid membership";
  if (!Config.get().TIERS.some((tier) => tier.id === patron.tierId)) return "tier no longer configured";
  return undefined;
}

type Outcome = "sent" | "none" | "claimed";

async function winBackOnce(found: Patron, now: Date): Promise<Outcome> {
  const { subscriberId, lapsedAt } = found;
  if (!lapsedAt) return "claimed"; // not in the window's keys; never met
  const claim = await Db.WinBacks.claim(subscriberId, lapsedAt, CLAIM_LEASE_SECONDS, now);
  // Sent already (a write from an earlier read dropped the lapse's mark: set it again), or being sent elsewhere.
  if (claim === "sent") await Db.WinBacks.markSettled(subscriberId, lapsedAt, "sent", now);
  if (claim !== "ours") return "claimed";
  try {
    const [patron, subscriber] = await Promise.all([Db.Patrons.get(subscriberId), Db.Subscribers.get(subscriberId)]);
    const none = reasonForNone(patron, subscriber, lapsedAt);
    if (none) {
      await Db.WinBacks.release(subscriberId, lapsedAt);
      await Db.WinBacks.markSettled(subscriberId, lapsedAt, "none", now);
      log.info({ event: "winback.none", subscriberId, reason: none }, "no win-back for this lapse");
      return "none";
    }
    await Transactional.sendNow(await winBackMessageFor(patron!, subscriber!));
  } catch (error) {
    await Db.WinBacks.release(subscriberId, lapsedAt).catch(() => undefined);
    throw error;
  }
  // Sent: failing to remember it is logged, not thrown (a run after the lease would send it again).
  await Db.WinBacks.keep(subscriberId, lapsedAt, SENT_SECONDS, now).catch((error) =>
    log.error({ err: error, event: "winback.unremembered", subscriberId }, "win-back sent but not remembered"),
  );
  await Db.WinBacks.markSettled(subscriberId, lapsedAt, "sent", now);
  log.info({ event: "winback.sent", subscriberId }, "win-back sent");
  return "sent";
}

/**
 * The win-back of `patron` (lapsed, of a configured tier) to `subscriber`, in their language, as it is sent: their
 * former tier and price, the day it ended, `/join` for that tier (attributed to the win-back, with the promotion code
 * when one is configured).
 */
export async function winBackMessageFor(patron: Patron, subscriber: Subscriber): Promise<Email.Message> {
  const base = await patronEmailData(patron, subscriber);
  if (!base) throw new Error(`tier ${patron.tierId} is not configured`);
  const { Templates, tier, language, data } = base;
  const config = Config.get();
  const code = config.WINBACK_PROMOTION_CODE;
  const join = `${config.PUBLIC_URL}/join?tier=${encodeURIComponent(tier.id)}${code ? `&promo=${encodeURIComponent(code)}` : ""}`;
  return Templates.winBackMessage({
    ...data,
    to: subscriber.email,
    endedOn: dateInWords(patron.lapsedAt, language) ?? "",
    joinUrl: withSource(join, WINBACK_SOURCE),
    ...(code && { promotionCode: code }),
    manageUrl: manageUrl(subscriber.id),
    unsubscribeUrl: unsubscribeUrl(subscriber.id),
  });
}
