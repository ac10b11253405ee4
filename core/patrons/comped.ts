/**
 * The comped patrons, as the dashboard's gifts and comps page lists them for admins: a page at a time from the
 * patrons' status index (never a scan), with the address, the tier, the end and who granted it (an editor, or a
 * gift). Patrons whose paid membership decides their status (`active`) while a comp waits behind it are not here.
 */
import * as Config from "../config";
import * as Db from "../db";
import { decodeCursor, encodeCursor } from "../db/cursor";

export interface CompedPatron {
  email: string;
  tierName: string;
  until?: string;
  by?: string;
}

/** A page of comped patrons (`cursor` as the previous page answered it), and the next page's cursor. */
export async function comped(cursor?: string, limit = 50): Promise<{ comps: CompedPatron[]; cursor: string | null }> {
  const page = await Db.Patrons.pageByStatus("comped", { cursor: decodeCursor(cursor), limit });
  const subscribers = await Db.Subscribers.many(page.patrons.map(({ patron }) => patron.subscriberId));
  const { TIERS } = Config.get();
  const comps = page.patrons.flatMap(({ patron }) => {
    const subscriber = subscribers.get(patron.subscriberId);
    if (!subscriber) return [];
    const tierId = patron.compTierId ?? patron.tierId;
    return [{ email: subscriber.email, tierName: TIERS.find((tier) => tier.id === tierId)?.name ?? tierId, until: patron.compedUntil, by: patron.compedBy }];
  });
  return { comps, cursor: encodeCursor(page.cursor) };
}
