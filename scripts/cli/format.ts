/** Plain-text output: aligned columns, and a digest's delivery counts. */
import { deliveryStatuses, type Digest } from "./api";

/** Rows as left-aligned columns, two spaces apart; a header row first when given. */
export function table(rows: Array<Array<string | number | undefined>>, header?: string[]): string {
  const all = (header ? [header, ...rows] : rows).map((row) => row.map((cell) => (cell === undefined ? "" : String(cell))));
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ");
  return all.map((row) => line(row).trimEnd()).join("\n");
}

/** Delivered, skipped or otherwise settled: everything but `queued` and `sending`. */
export const settled = (counts: Digest["counts"]) =>
  deliveryStatuses
    .filter((status) => status !== "queued" && status !== "sending")
    .reduce((sum, status) => sum + (counts[status] ?? 0), 0);

/** "sent 120 · skipped 3 · queued 50": the statuses that have any. */
export const countsLine = (counts: Digest["counts"]) =>
  deliveryStatuses
    .filter((status) => (counts[status] ?? 0) > 0)
    .map((status) => `${status} ${counts[status]}`)
    .join(" · ") || "no deliveries yet";

/** The counts as a two-column table: recipients, then every delivery status. */
export const countsTable = (counts: Digest["counts"]) =>
  table([["recipients", counts.recipients], ...deliveryStatuses.map((status) => [status, counts[status] ?? 0])]);

export const articles = (digest: Digest) => `${digest.articleIds.length} article${digest.articleIds.length === 1 ? "" : "s"}`;
