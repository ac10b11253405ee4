import * as Db from "../db";
import type { Subscriber } from "./types";

/**
 * Reads a subscriber, applies `change` and writes the result only if nobody wrote in between; on a lost race it
 * reads again and re-applies, so concurrent requests compose instead of overwriting each other. `change` returns
 * the next state, or `undefined` for "nothing to write". Resolves to what was stored and what was read.
 */
export async function mutate(
  id: string,
  change: (current: Subscriber | undefined) => Subscriber | undefined,
): Promise<{ before: Subscriber | undefined; after: Subscriber | undefined; written: boolean }> {
  return Db.retryWrite(`changing subscriber ${id}`, async () => {
    const before = await Db.Subscribers.get(id);
    const next = change(before);
    if (!next || !before) return { before, after: before, written: false };
    const after = { ...next, version: before.version + 1, updatedAt: new Date().toISOString() };
    await Db.Subscribers.save(after, before);
    return { before, after, written: true };
  });
}
