import * as Config from "../config";

/** The weight a tier gives a vote (1 for a tier no longer configured). */
export function weightOf(tierId: string): number {
  return Config.get().TIERS.find((tier) => tier.id === tierId)?.voteWeight ?? 1;
}

/** A random wait that grows with the attempt, so writers that met on one item take turns. */
export async function backoff(attempt: number) {
  await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(500, 10 * 2 ** attempt)));
}
