/**
 * What a caller hands to `send()`/`compose()`, and the checks that keep anything unsafe out of the headers.
 * Callers validate their input too; this is the last line before bytes leave, so it refuses rather than repairs.
 */

/** A mailbox (RFC 5322): a bare address, or an address with a display name. */
export type Mailbox = string | { name?: string; address: string };

export interface Message {
  to: Mailbox;
  subject: string;
  html: string;
  text: string;
  /** The language it is written in (`en`, `uk`): its `Content-Language` header. */
  language?: string;
  /**
   * Marketing mail (digests, welcome) carries the RFC 8058 one-click unsubscribe headers and a List-Id.
   * `listId` is a dot-atom such as `weekly.news.example.org`; by default `newsletter.<PUBLIC_URL host>`.
   */
  marketing?: { unsubscribeUrl: string; listId?: string };
  /** Extra headers, e.g. the trace headers `X-Tidings-Delivery` and `X-Tidings-Digest`. */
  headers?: Record<string, string>;
}

/** A header value or name was refused before anything was sent (CR/LF/NUL, or a name we set ourselves). */
export class UnsafeHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafeHeaderError";
  }
}

/** Headers composed from the message's own fields; a custom header may not replace or shadow them. */
const reserved = /^(from|to|cc|bcc|reply-to|sender|subject|date|message-id|mime-version|content-.*|list-.*|return-path)$/i;
const headerName = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const address = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;
const dotAtom = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)+$/;

/**
 * An RFC 2047 encoded word (`=?UTF-8?B?…?=`). nodemailer writes these itself; one in a caller's value would be
 * decoded by mail clients into whatever it hides, CR and LF included, so callers' values may not carry one.
 */
export const ENCODED_WORD = /=\?[^?\s]+\?[bq]\?[^?\s]*\?=/i;

/**
 * Throws unless `value` is free of CR, LF and NUL, and of encoded words that could smuggle them in. `what` names
 * the header (never echo the value: it may be personal).
 */
export function assertHeaderSafe(what: string, value: string): void {
  if (/[\r\n\0]/.test(value)) throw new UnsafeHeaderError(`Refusing to send: ${what} contains CR, LF or NUL`);
  if (ENCODED_WORD.test(value)) throw new UnsafeHeaderError(`Refusing to send: ${what} contains an encoded word`);
}

export function assertAddress(what: string, value: string): void {
  assertHeaderSafe(what, value);
  if (!address.test(value)) throw new UnsafeHeaderError(`Refusing to send: ${what} is not a single plain address`);
}

export function assertHeaderName(name: string): void {
  assertHeaderSafe("a header name", name);
  if (!headerName.test(name)) throw new UnsafeHeaderError(`Refusing to send: "${name}" is not a valid header name`);
  if (reserved.test(name)) throw new UnsafeHeaderError(`Refusing to send: ${name} is set by core/email, not by callers`);
}

export function assertListId(value: string): void {
  assertHeaderSafe("List-Id", value);
  if (!dotAtom.test(value)) throw new UnsafeHeaderError("Refusing to send: List-Id must be a dot-atom like news.example.org");
}

/** An absolute http(s) URL in canonical form, safe to put between angle brackets. */
export function headerUrl(what: string, value: string): string {
  assertHeaderSafe(what, value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UnsafeHeaderError(`Refusing to send: ${what} is not an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UnsafeHeaderError(`Refusing to send: ${what} must be an http(s) URL`);
  }
  if (/[\s<>]/.test(url.href)) throw new UnsafeHeaderError(`Refusing to send: ${what} is not a safe URL`);
  return url.href;
}
