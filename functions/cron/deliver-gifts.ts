import { runSchedule, type GiftRunReport } from "../../core/gifts/deliver";

/**
 * Sends each gift whose delivery date has come its redeem link, and each gift ending within a week its recipient's
 * invitation to continue, once each. Its event is CronV2's input ({}). No Stripe here: it reads what is stored.
 */
export async function handler(_event: Record<string, unknown>): Promise<GiftRunReport> {
  return runSchedule();
}
