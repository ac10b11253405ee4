/**
 * Digests: `makeDigest` builds one, `saveDigest` writes it straight to the table (`Db.Digests.create`), and
 * `createDigest` creates one as an editor does (`POST /api/digests`), covering what was published since.
 */
import { randomInt } from "node:crypto";
import * as Db from "../../../core/db";
import type { Digest } from "../../../core/digests/types";
import { editor } from "../editor";
import { createArticle, type ArticleFields } from "./articles";

const periods = { daily: 0, weekly: 0 };
const year = 2100 + randomInt(800);

/** A period of `frequency` no other call in this process answers (`2514-W07`, `2514-03-02`), far ahead of any real one. */
export function uniquePeriod(frequency: "daily" | "weekly" = "weekly"): string {
  const n = periods[frequency]++;
  if (frequency === "daily") return new Date(Date.UTC(year, 0, 1 + n)).toISOString().slice(0, 10);
  return `${year + Math.floor(n / 52)}-W${String((n % 52) + 1).padStart(2, "0")}`;
}

/** A weekly draft digest of a unique period (unless told), covering nothing, with all counts at zero. */
export function makeDigest(overrides: Partial<Digest> = {}): Digest {
  const at = new Date().toISOString();
  const frequency = overrides.frequency ?? "weekly";
  const period = overrides.period ?? uniquePeriod(frequency);
  return {
    id: `${frequency}-${period}`,
    frequency,
    period,
    subject: "This week",
    status: "draft",
    articleIds: [],
    coversFrom: "2030-03-01T00:00:00.000Z",
    coversTo: at,
    createdAt: at,
    counts: { recipients: 0, queued: 0, sending: 0, sent: 0, skipped: 0, suppressed: 0, failed: 0, bounced: 0, complained: 0 },
    ...overrides,
  };
}

/** Saves a new digest (`Db.Digests.create`); throws if one of its id exists. */
export async function saveDigest(overrides: Partial<Digest> = {}): Promise<Digest> {
  const digest = makeDigest(overrides);
  if (!(await Db.Digests.create(digest))) throw new Error(`digest ${digest.id} exists already`);
  return digest;
}

/** What an editor sends to create a digest. */
export interface DigestInput {
  frequency?: "daily" | "weekly";
  period?: string;
  subject?: string;
  intro?: string;
  /** Subjects and intros in other languages (`{ uk: { subject, intro } }`). */
  translations?: Record<string, { subject?: string; intro?: string }>;
}

/** A digest as the API answers it: without its planning progress or send start. */
export type CreatedDigest = Omit<Digest, "planned" | "sendStartedAt">;

/**
 * Creates a digest as an editor does (`POST /api/digests`): weekly and of a unique period unless told. Throws unless
 * the API answers 201 Created (a new digest). Answers the digest as the API does.
 */
export async function createDigest(input: DigestInput = {}): Promise<CreatedDigest> {
  const frequency = input.frequency ?? "weekly";
  const response = await editor("POST", "/api/digests", { frequency, period: uniquePeriod(frequency), ...input });
  if (response.status !== 201) throw new Error(`digest ${JSON.stringify(input)}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { digest: CreatedDigest }).digest;
}

/**
 * A digest with something to read: publishes a story now (`createArticle`), then creates the digest
 * (`createDigest`), which covers what was published since the last one was sent. Answers the digest.
 */
export async function createDigestWithStory(story: ArticleFields, digest: DigestInput = {}): Promise<CreatedDigest> {
  await createArticle(story);
  return createDigest(digest);
}
