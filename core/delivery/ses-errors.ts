/**
 * How an SES error should be treated:
 * - `throttled`: back-pressure (the maximum send rate): wait and retry, never a failure;
 * - `permanent`: about this one message (rejected, invalid): recorded on the delivery as `failed`;
 * - `account`: about the account or configuration (sending paused, access denied, unverified sender, the daily
 *   quota exhausted): the send pauses itself with the reason, since every other recipient would fail the same way
 *   (a quota frees up over hours: retrying every few seconds would only churn the queue and SES);
 * - `transient`: anything else (network, 5xx, timeouts). Ambiguous: SES may have accepted the message, so the
 *   claim is left to expire and the message retried.
 */
import * as Email from "../email";

const permanent = new Set(["MessageRejected", "InvalidParameterValue", "UnsafeHeaderError"]);
const account = new Set([
  "AccountSendingPausedException",
  "ConfigurationSetDoesNotExistException",
  "ConfigurationSetSendingPausedException",
  "MailFromDomainNotVerifiedException",
  "AccessDenied",
  "AccessDeniedException",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
]);

export type SesErrorKind = "throttled" | "permanent" | "account" | "transient";

export function classify(error: unknown): SesErrorKind {
  if (Email.isThrottled(error)) return /daily message quota/i.test((error as { message?: string }).message ?? "") ? "account" : "throttled";
  const name = (error as { name?: string })?.name ?? "";
  if (permanent.has(name)) return "permanent";
  if (account.has(name)) return "account";
  return "transient";
}
