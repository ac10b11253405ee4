/** Lapses comped memberships past their end. Its event is CronV2's input ({}), not an EventBridge ScheduledEvent. */
export async function handler(_event: Record<string, unknown>): Promise<void> {
  throw new Error("Comp expiry arrives with issue #5");
}
