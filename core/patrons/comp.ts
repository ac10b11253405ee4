/** Memberships granted by an editor ("comped"): a tier until a date, for a subscriber. */
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { applyMembership } from "./apply";
import { storedMembership, type Comp } from "./rules";
import type { Patron } from "./types";

export interface CompInput {
  email: string;
  tierId: string;
  /** ISO time the comp ends. */
  until: string;
  /** The editor granting it (token name). */
  by: string;
}

/**
 * Grants a comp, or replaces the one running (another tier, another end). A paid active membership still decides
 * the status (`active`); the comp takes over if that lapses before `until`. A new patron gets the welcome email.
 */
export async function comp(input: CompInput, now = new Date()): Promise<Patron> {
  const { TIERS } = Config.get();
  if (!TIERS.some((tier) => tier.id === input.tierId)) {
    throw new VisibleError("invalid", "invalid_request", "There is no such tier.", {
      fields: { tier: `must be one of: ${TIERS.map((t) => t.id).join(", ")}` },
    });
  }
  if (!(input.until > now.toISOString())) {
    throw new VisibleError("invalid", "invalid_request", "A comp must end in the future.", { fields: { until: "must be in the future" } });
  }
  const found = await Db.Subscribers.getByEmail(input.email);
  const subscriber = found && (await Db.Subscribers.get(found.id)); // an expired sign-up counts as nobody
  if (!subscriber) throw new VisibleError("not_found", "not_found", "No subscriber has this address: they need to sign up first.");
  return compSubscriber(subscriber.id, { tierId: input.tierId, until: input.until, by: input.by }, now);
}

/**
 * The comp itself, for a subscriber known to exist and a tier and end already checked: an editor's comp and a
 * redeemed gift (core/gifts) both go through here, so they follow the same rules (status, votes, welcome email).
 * An editor's comp replaces the one running; with `extend` (gifts, whose ends add up) a comp of the same tier
 * running longer is kept, decided on the patron as read for the write, so comps applied in either order end alike.
 */
export async function compSubscriber(
  subscriberId: string,
  grant: { tierId: string; until: string; by: string },
  now = new Date(),
  options: { extend?: boolean } = {},
): Promise<Patron> {
  const { TIERS } = Config.get();
  const stored = (before: Patron | undefined) => {
    const membership = before && storedMembership(before, TIERS);
    return membership ? [membership] : [];
  };
  const extended = (before: Patron | undefined): Comp =>
    before?.compTierId === grant.tierId && before.compedUntil && before.compedUntil > grant.until
      ? { tierId: grant.tierId, until: before.compedUntil, by: before.compedBy ?? grant.by }
      : grant;
  const { after } = await applyMembership(subscriberId, stored, now, options.extend ? extended : grant);
  return after!;
}
