/**
 * The paused patrons, as the dashboard lists them apart: a page at a time from the patrons' status index (never a
 * scan), with the address, the tier and when each resumes by itself.
 */
import * as Config from "../config";
import * as Db from "../db";
import { decodeCursor, encodeCursor } from "../db/cursor";

export interface PausedPatron {
  email: string;
  tierName: string;
  /** When collection resumes, ISO. */
  until?: string;
}

/** A page of paused patrons (`cursor` as the previous page answered it), and the next page's cursor. */
export async function pausedPatrons(cursor?: string, limit = 50): Promise<{ patrons: PausedPatron[]; cursor: string | null }> {
  const page = await Db.Patrons.pageByStatus("paused", { cursor: decodeCursor(cursor), limit });
  const subscribers = await Db.Subscribers.many(page.patrons.map(({ patron }) => patron.subscriberId));
  const { TIERS } = Config.get();
  const patrons = page.patrons.flatMap(({ patron }) => {
    const subscriber = subscribers.get(patron.subscriberId);
    if (!subscriber) return [];
    return [{ email: subscriber.email, tierName: TIERS.find((tier) => tier.id === patron.tierId)?.name ?? patron.tierId, until: patron.pausedUntil }];
  });
  return { patrons, cursor: encodeCursor(page.cursor) };
}
