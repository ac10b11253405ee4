/**
 * Transactional email: the emails a reader is waiting for (sign-up confirmations, sign-in links, patron emails).
 * They never queue behind a digest: confirmations and sign-in links travel on a queue of their own to a worker of
 * their own, and all of them are paced from a share of SES's rate that digests leave free (`sendRates`). See
 * core/delivery/README.md ("Transactional email").
 *
 * ```ts
 * await Transactional.enqueue({ kind: "signin", email });   // the request path: one SQS message, no SES
 * await Transactional.handleRecords(records);               // the transactional worker: paced, retried, sent once
 * await Transactional.sendNow(message);                      // inline (patron emails under their claim)
 * ```
 */
export { enqueue } from "./enqueue";
export { handleRecords, processBucket, CLAIM_SOURCE, type TransactionalOptions } from "./worker";
export { sendNow } from "./send-now";
export { transactionalMessage, type TransactionalMessage } from "./messages";
