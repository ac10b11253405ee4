import * as Config from "../config";

/** The weight a tier gives a vote (1 for a tier no longer configured). */
export function weightOf(tierId: string): number {
  return Config.get().TIERS.find((tier) => tier.id === tierId)?.voteWeight ?? 1;
}
