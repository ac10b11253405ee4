import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import type { Frequency } from "../subscribers/types";
import { currentPeriod, firstWindow, isValidPeriod } from "./period";
import { deliveryStatuses, type Digest, type DigestCounts } from "./types";

export interface CreateInput {
  frequency: Frequency;
  period?: string;
  subject?: string;
  intro?: string;
}

const emptyCounts = (): DigestCounts =>
  Object.fromEntries([["recipients", 0], ...deliveryStatuses.map((status) => [status, 0])]) as DigestCounts;

/**
 * Creates the digest of a frequency and period (default: the current one), covering the articles published since
 * the previous sent digest of that frequency (or the last day / week for the first). Creating it again answers the
 * existing digest unchanged: `created` tells which happened.
 */
export async function create(input: CreateInput, now = new Date()): Promise<{ digest: Digest; created: boolean }> {
  const period = input.period ?? currentPeriod(input.frequency, now);
  if (!isValidPeriod(input.frequency, period)) {
    throw new VisibleError("invalid", "invalid_request", `${period} is not a ${input.frequency} period.`, {
      fields: { period: input.frequency === "daily" ? "an ISO date, 2026-11-30" : "an ISO week, 2026-W48" },
    });
  }
  const id = `${input.frequency}-${period}`;
  const existing = await Db.Digests.get(id);
  if (existing) return { digest: existing, created: false };

  const previous = await Db.Digests.lastSent(input.frequency);
  const coversTo = now.toISOString();
  const coversFrom = previous?.coversTo ?? new Date(now.getTime() - firstWindow(input.frequency)).toISOString();
  const articles = await Db.Articles.publishedBetween(coversFrom, coversTo);
  const digest: Digest = {
    id,
    frequency: input.frequency,
    period,
    subject: input.subject ?? `${Config.get().OUTLET_NAME}: your ${input.frequency} digest (${period})`,
    intro: input.intro,
    status: "draft",
    articleIds: articles.map((article) => article.id),
    coversFrom,
    coversTo,
    createdAt: coversTo,
    counts: emptyCounts(),
  };
  if (await Db.Digests.create(digest)) return { digest, created: true };
  // Created concurrently by someone else: theirs stands.
  return { digest: (await Db.Digests.get(id))!, created: false };
}
