import type { Consent, Subscriber } from "./types";

/**
 * A subscriber made `active` with this consent: their pending opt-in (if any: `optIn`, the one confirmed) becomes
 * the subscription (its name, topics, frequency and language), and nothing of the sign-up is left to expire or confirm.
 */
export function activated(current: Subscriber, consent: Consent, at: string): Subscriber {
  const { optIn } = current;
  return {
    ...current,
    status: "active",
    name: optIn?.name ?? current.name,
    topics: optIn?.topics ?? current.topics,
    frequency: optIn?.frequency ?? current.frequency,
    language: optIn?.language ?? current.language,
    consent,
    confirmedAt: at,
    optIn: undefined,
    earlierOptIns: undefined,
    unsubscribedAt: undefined,
    expiresAt: undefined,
  };
}
