import { runLifecycle, type LifecycleReport } from "../../core/lifecycle";

/**
 * The lifecycle emails due by the clock: grace reminders, win-back, the welcome series' steps (each once). Its
 * event is CronV2's input ({}). No Stripe here: it reads what is stored.
 */
export async function handler(_event: Record<string, unknown>): Promise<LifecycleReport> {
  return runLifecycle();
}
