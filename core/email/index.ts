/**
 * Email: the MIME (built by nodemailer's MailComposer) and its sending through SES. The only code that knows
 * about SES or MIME headers.
 *
 * ```ts
 * import * as Email from "../email";
 * await Email.send({ to, ...Templates.confirmation(data) });
 * ```
 */
export { compose } from "./mime";
export { send, isThrottled, resetClient } from "./ses";
export { UnsafeHeaderError, type Mailbox, type Message } from "./message";
