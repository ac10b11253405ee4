import type { FundedNotice } from "../db/funded-notices";
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
  /** In the default language (the first of `LANGUAGES`): the editor's own, or the automatic one (`automaticSubject`). */
  subject: string;
  intro?: string;
  /**
   * The editor's subject and intro in other languages, by language code. A language without a subject gets the
   * automatic one in that language (never the default language's subject), and one without an intro gets none.
   */
  translations?: Record<string, DigestTranslation>;
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
  /** The last cancel or resume, worked through the deliveries a page at a time on the queue (core/delivery/control.ts). */
  control?: DigestControl;
}

/** A digest's subject and intro in a language other than the default. */
export interface DigestTranslation {
  subject?: string;
  intro?: string;
}

/** A cancel or resume in progress (or done): which, since when, and where its pages have got to. */
export interface DigestControl {
  action: "cancel" | "resume";
  /** Names this cancel or resume: pages of an earlier one are recognised as stale. */
  run: string;
  startedAt: string;
  /** The next page: `<delivery status>:<cursor>` (`queued:` to begin), or `done`. */
  position: string;
  /** When the position last moved (a chain that stops moving is taken up again by the recovery sweep). */
  movedAt: string;
}

export type Variant = "free" | "patron";

/** The per-digest view of one subscriber: what personalises their copy of a digest. */
export interface Recipient {
  subscriberId: string;
  name?: string;
  /** The reader's language (`LANGUAGES`); the source language when absent. */
  language?: string;
  /** Topic ids followed; none means all topics. */
  topics: string[];
  deliveryId?: string;
  /** Patrons: the topics they voted for (for "You asked, we covered it"). */
  votedTopicIds?: string[];
  /** Covered topics they gave towards, not yet told in a digest ("You funded it, we covered it"). */
  funded?: FundedNotice[];
  /** A preview or test copy: its links lead to a page saying so and carry no token (`previewLinkUrl`). */
  preview?: boolean;
}

/**
 * A recipient as sending, previews and test copies hold them: besides what personalises the copy, the address it
 * goes to and the variant (free or patron) it is rendered from.
 */
export interface AddressedRecipient extends Recipient {
  email: string;
  variant: Variant;
}
