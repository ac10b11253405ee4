import type { Frequency } from "../subscribers/types";

export const digestStatuses = ["draft", "sending", "paused", "sent", "cancelled"] as const;
export type DigestStatus = (typeof digestStatuses)[number];

export const deliveryStatuses = [
  "queued",
  "sending",
  "sent",
  "skipped",
  "suppressed",
  "failed",
  "bounced",
  "complained",
] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export type DigestCounts = { recipients: number } & Record<DeliveryStatus, number>;

/** One email edition for one frequency and one period (`daily` 2026-11-30, `weekly` 2026-W48). */
export interface Digest {
  /** `<frequency>-<period>`: creating the same digest twice finds the same one. */
  id: string;
  frequency: Frequency;
  period: string;
  subject: string;
  intro?: string;
  status: DigestStatus;
  /** The covered articles, newest first, fixed when the digest is created. */
  articleIds: string[];
  /** The window of publication times it covers: [coversFrom, coversTo). */
  coversFrom: string;
  coversTo: string;
  createdAt: string;
  sentAt?: string;
  pauseReason?: string;
  counts: DigestCounts;
  /** When sending began. */
  sendStartedAt?: string;
  /** Planning progress by subscriber shard: a cursor to go on from, or "done". */
  planned?: Record<string, string>;
}

export type Variant = "free" | "patron";
