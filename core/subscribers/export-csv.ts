/**
 * Editors' export of the list as CSV, produced a page at a time (memory stays flat however long the list), in
 * the columns an import reads back (`import-csv.ts`): exporting and importing again changes nothing. Written to
 * a file by `export-file.ts`.
 */
import * as Db from "../db";
import { EXPORT_COLUMNS, TOPIC_SEPARATOR, defuse } from "./import-csv";
import type { Status, Subscriber } from "./types";

const PAGE = 500;

function line(subscriber: Subscriber): string[] {
  const consent = subscriber.consent;
  return [
    subscriber.email,
    subscriber.name ?? "",
    subscriber.topics.join(TOPIC_SEPARATOR),
    subscriber.frequency,
    subscriber.language ?? "",
    consent?.confirmedAt ?? consent?.requestedAt ?? "",
    subscriber.status,
    consent?.source ?? "",
    subscriber.createdAt,
  ].map(defuse);
}

/**
 * The subscribers (of one status, or all) as CSV text, header first, one chunk per page read. `tally.rows` counts
 * the subscribers written so far.
 */
export async function* exportCsv(status?: Status, tally = { rows: 0 }): AsyncGenerator<string> {
  // Loaded on demand: exports are rare, and the API's cold start carries only what most requests use.
  const { stringify } = await import("csv-stringify/sync");
  yield stringify([[...EXPORT_COLUMNS]]);
  let cursor: string | undefined;
  do {
    const page = await Db.SubscriberLists.page({ status, cursor, limit: PAGE });
    tally.rows += page.subscribers.length;
    if (page.subscribers.length) yield stringify(page.subscribers.map(line));
    cursor = page.cursor ?? undefined;
  } while (cursor);
}
