import * as Db from "../db";
import type { DeliveryStatus, Digest } from "../digests/types";

/** The digest with its live delivery counts by status: its counters, read in a few requests whatever its size. */
export async function withCounts(digest: Digest): Promise<Digest> {
  if (digest.status === "draft") return digest;
  const byStatus = await Db.Deliveries.countByStatus(digest.id);
  const recipients = Object.values(byStatus).reduce((sum, count) => sum + count, 0);
  return { ...digest, counts: { recipients, ...byStatus } };
}

/** A page of a digest's deliveries, of one status or all. */
export function deliveries(digestId: string, options: { status?: DeliveryStatus; cursor?: string; limit?: number }) {
  const { status, ...page } = options;
  return status ? Db.Deliveries.page(digestId, status, page) : Db.Deliveries.pageAll(digestId, page);
}
