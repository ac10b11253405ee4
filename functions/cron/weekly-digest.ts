import { sendScheduled } from "../../core/delivery";

/** Creates and sends the weekly digest. Its event is CronV2's input ({}), not an EventBridge ScheduledEvent. */
export async function handler(_event: Record<string, unknown>): Promise<void> {
  await sendScheduled("weekly");
}
