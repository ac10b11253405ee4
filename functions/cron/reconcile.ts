import { reconcile, type ReconcileReport } from "../../core/patrons/reconcile";

/** Repairs drift between patrons and Stripe. Its event is CronV2's input ({}), not an EventBridge ScheduledEvent. */
export async function handler(_event: Record<string, unknown>): Promise<ReconcileReport> {
  return reconcile();
}
