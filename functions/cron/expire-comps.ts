import { expire, type ExpiryReport } from "../../core/patrons/expire";

/**
 * Lapses comped memberships past their end (and grace periods past theirs). Its event is CronV2's input ({}),
 * not an EventBridge ScheduledEvent. No Stripe here: it applies the rules to what is stored.
 */
export async function handler(_event: Record<string, unknown>): Promise<ExpiryReport> {
  return expire();
}
