/**
 * Editors' export of the list as a file: the CSV of `export-csv.ts`, written to the exports bucket as it is read
 * (memory stays flat however long the list) and handed back as a download link that works for 15 minutes. The
 * CSV no longer travels in the API's answer, which API Gateway buffers up to 6 MB (about 48,000 subscribers).
 * Deployed, the bucket's lifecycle rule deletes each file after a day.
 */
import { randomBytes } from "node:crypto";
import { ulid } from "ulid";
import { log } from "../log";
import * as Storage from "../storage";
import { exportCsv } from "./export-csv";
import type { Status } from "./types";

/** How long a download link works. */
export const LINK_SECONDS = 15 * 60;

export interface ExportFile {
  /** The presigned download URL; anyone who has it can download the file until `expiresAt`. */
  url: string;
  expiresAt: string;
  /** Subscribers in the file (lines after the header). */
  rows: number;
}

/**
 * Writes the subscribers (of one status, or all) to a new file and answers its download link. Throws the 503
 * `Storage.notConfigured()` before reading anything where no exports bucket is configured.
 */
export async function exportToFile(status: Status | undefined, editor: string): Promise<ExportFile> {
  const bucket = Storage.exportBucket();
  if (!bucket) throw Storage.notConfigured();
  const today = new Date().toISOString().slice(0, 10);
  // The link is the only credential: a name nobody can guess, sortable by time for whoever looks in the bucket.
  const key = `exports/${ulid()}-${randomBytes(16).toString("hex")}.csv`;
  const tally = { rows: 0 };
  await Storage.writeStream(bucket, key, exportCsv(status, tally), {
    contentType: "text/csv; charset=utf-8",
    contentDisposition: `attachment; filename="subscribers-${status ? `${status}-` : ""}${today}.csv"`,
  });
  const { url, expiresAt } = await Storage.signedDownloadUrl(bucket, key, LINK_SECONDS);
  log.info({ event: "subscribers.exported", editor, status, rows: tally.rows }, "subscribers exported");
  return { url, expiresAt: expiresAt.toISOString(), rows: tally.rows };
}
