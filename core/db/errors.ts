/**
 * What DynamoDB's errors mean for the code that wrote: a condition that no longer holds, a race with another
 * writer (re-read and try again), a transient fault (wait and try again), or anything else (a bug: fail at once).
 * Told apart by the SDK error's `name`, its `$metadata` and a cancelled transaction's `CancellationReasons`.
 */

/** A conditional write lost to a concurrent one: re-read and try again. */
export class WriteConflictError extends Error {
  constructor(what: string) {
    super(`concurrent write to ${what}`);
    this.name = "WriteConflictError";
  }
}

/** A batch request left items unprocessed (DynamoDB's way of throttling part of a batch): send them again later. */
export class UnprocessedItemsError extends Error {
  constructor(readonly left: number) {
    super(`${left} items left unprocessed`);
    this.name = "UnprocessedItemsError";
  }
}

type SdkError = {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  CancellationReasons?: Array<{ Code?: string } | undefined>;
};

const RACE_REASONS = new Set(["ConditionalCheckFailed", "TransactionConflict"]);
const THROTTLE_REASONS = new Set(["ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"]);
const TRANSIENT_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);
/** Node's socket errors: the request may not have reached DynamoDB, and a conditional write is safe to repeat. */
const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND"]);

const nameOf = (error: unknown) => (error as SdkError | undefined)?.name;

/** Why a transaction was cancelled, item by item in the order written ("None" for the items that were fine). */
export function cancellationCodes(error: unknown): string[] {
  return ((error as SdkError | undefined)?.CancellationReasons ?? []).map((reason) => reason?.Code ?? "None");
}

/** The reasons a cancelled transaction gives, without the items that were fine. */
const reasonsOf = (error: unknown) => cancellationCodes(error).filter((code) => code !== "None");

/**
 * A write's condition no longer holds: a single-item write's `ConditionalCheckFailedException`, or a transaction
 * cancelled because one of its conditions failed (not one cancelled by throttling or a conflict alone).
 */
export function isConditionFailure(error: unknown): boolean {
  const name = nameOf(error);
  if (name === "ConditionalCheckFailedException") return true;
  return name === "TransactionCanceledException" && reasonsOf(error).includes("ConditionalCheckFailed");
}

/**
 * Another writer got there first: a failed condition, a conflict with a transaction in flight, or a
 * `WriteConflictError` the table functions made of one. The cure is to read again and decide again.
 * A transaction cancelled without reasons (none given) reads as a race, as it always did here.
 */
export function isRace(error: unknown): boolean {
  if (error instanceof WriteConflictError) return true;
  const name = nameOf(error);
  if (name === "ConditionalCheckFailedException" || name === "TransactionConflictException") return true;
  if (name !== "TransactionCanceledException") return false;
  const reasons = reasonsOf(error);
  return reasons.length === 0 || reasons.some((code) => RACE_REASONS.has(code));
}

/**
 * A fault of load or of the network, not of the request, that outlasted the SDK's own retries: throttling (also a
 * transaction cancelled only by throttling), a 5xx, a timeout, a reset connection, a batch's unprocessed items.
 * The cure is to wait a while and try again.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof UnprocessedItemsError) return true;
  const { name = "", code, $retryable, $metadata } = (error ?? {}) as SdkError;
  if (name === "TransactionCanceledException") {
    const reasons = reasonsOf(error);
    return reasons.length > 0 && reasons.every((reason) => THROTTLE_REASONS.has(reason));
  }
  if (TRANSIENT_NAMES.has(name) || NETWORK_CODES.has(code ?? "") || NETWORK_CODES.has(name)) return true;
  return Boolean($retryable) || ($metadata?.httpStatusCode ?? 0) >= 500;
}
