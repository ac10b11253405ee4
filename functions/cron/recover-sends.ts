import { recoverAll } from "../../core/delivery";

/** Finishes sends a crash interrupted: lost plan messages, expired claims (see core/delivery/recover.ts). */
export async function handler(_event: Record<string, unknown>): Promise<void> {
  await recoverAll();
}
