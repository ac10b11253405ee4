import type { DeliveryStatus, Variant } from "../digests/types";

export type { DeliveryStatus };

/** Why a delivery was not sent (on `skipped` and `suppressed` records). */
export type SkipReason =
  | "paused"
  | "nothing_to_read"
  | "cancelled"
  | "unsubscribed"
  | "bounced"
  | "complained"
  | "pending"
  | "erased";

/**
 * One digest to one subscriber: the unit of sending and of accounting. Written (`queued` or `skipped`) before
 * anything is sent; `queued → sending → sent | failed`, and later `bounced` / `complained` from SES events.
 */
export interface Delivery {
  digestId: string;
  subscriberId: string;
  email: string;
  status: DeliveryStatus;
  variant: Variant;
  reason?: SkipReason;
  /** Who holds the current claim, and until when (epoch ms): a claim past its lease may be taken over. */
  claimId?: string;
  leaseUntil?: number;
  attempts: number;
  messageId?: string;
  error?: string;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
}
