/**
 * The circuit breaker of a send: SES reviews an account whose bounce rate passes 5% or complaint rate 0.1%, so a
 * digest whose own rates pass those pauses itself (`sending → paused`) with the reason, for an editor to look at.
 *
 * Rates are over what has been sent so far: bounced / (sent + bounced + complained), and the same for complained.
 * Nothing trips before `MINIMUM_SAMPLE` of those: with fewer than 20, a single bounce already passes 5%
 * (1 of 19 is 5.3%), while 1 of 20 is exactly 5%, which does not pass. A complaint rate of 0.1% can't be measured
 * below 1,000 sends, so one complaint in a small send pauses it: deliberate, complaints are the stronger signal.
 */
import * as Db from "../db";
import { log } from "../log";
import type { DeliveryStatus } from "./types";

export const LIMITS = { bounceRate: 0.05, complaintRate: 0.001 } as const;
export const MINIMUM_SAMPLE = 20;

const percent = (rate: number) => `${Number((rate * 100).toPrecision(3))}%`;

/** Why a send with these counts must pause, or undefined if it may go on. */
export function assess(counts: Pick<Record<DeliveryStatus, number>, "sent" | "bounced" | "complained">): string | undefined {
  const sent = counts.sent + counts.bounced + counts.complained;
  if (sent < MINIMUM_SAMPLE) return undefined;
  const reasons: string[] = [];
  const bounceRate = counts.bounced / sent;
  if (bounceRate > LIMITS.bounceRate) {
    reasons.push(`bounce rate ${percent(bounceRate)} passed ${percent(LIMITS.bounceRate)} (${counts.bounced} bounced of ${sent} sent)`);
  }
  const complaintRate = counts.complained / sent;
  if (complaintRate > LIMITS.complaintRate) {
    reasons.push(
      `complaint rate ${percent(complaintRate)} passed ${percent(LIMITS.complaintRate)} (${counts.complained} complained of ${sent} sent)`,
    );
  }
  return reasons.length ? reasons.join("; ") : undefined;
}

/**
 * Checks a digest after one of its deliveries bounced or drew a complaint, and pauses it if its rates passed the
 * limits. Answers whether this call paused it. A digest that is not `sending` is left alone. The counts are the
 * digest's counters (moved with each delivery in one transaction), so a check costs a few requests at any size.
 */
export async function check(digestId: string): Promise<boolean> {
  const digest = await Db.Digests.get(digestId);
  if (digest?.status !== "sending") return false;
  const reason = assess(await Db.Deliveries.countByStatus(digestId));
  if (!reason) return false;
  const paused = await Db.Digests.transition(digest, ["sending"], "paused", { pauseReason: reason });
  if (paused) log.warn({ event: "digest.paused", digestId, reason }, "send paused by the circuit breaker");
  return Boolean(paused);
}
