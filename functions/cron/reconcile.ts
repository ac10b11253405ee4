import type { Context } from "aws-lambda";
import { reconcile, type ReconcileReport } from "../../core/patrons/reconcile";

/** Time kept back from the Lambda's timeout: the last page begun may still have to finish within it. */
const MARGIN_MS = 2 * 60 * 1000;

/**
 * Repairs drift between patrons and Stripe: works the reconciliation cycle until shortly before the Lambda's
 * timeout; the next scheduled run goes on from there. Its event is CronV2's input ({}), not an EventBridge
 * ScheduledEvent. Without a context (called by hand) it works the cycle to its end.
 */
export async function handler(_event: Record<string, unknown>, context?: Pick<Context, "getRemainingTimeInMillis">): Promise<ReconcileReport> {
  return reconcile({ deadline: context && Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS });
}
