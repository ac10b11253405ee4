/** A reader's copy as an email to send: what sending and test sends use. */
import type * as Email from "../../email";
import type { AddressedRecipient } from "../types";
import { assemble } from "./personalise";
import type { Prepared } from "./types";

/**
 * The reader's digest as a marketing email (RFC 8058 one-click unsubscribe for this reader), traceable by the
 * `X-Tidings-Digest` and `X-Tidings-Delivery` headers, in the prepared copy's language (its Content-Language);
 * null when they have nothing to read. The variant and language are the prepared copy's, so the recipient's own
 * are not needed here.
 */
export function digestMessage(prepared: Prepared, recipient: Omit<AddressedRecipient, "variant">): Email.Message | null {
  const assembled = assemble(prepared, recipient);
  if (!assembled) return null;
  const { copy, personal } = assembled;
  const headers: Record<string, string> = { "X-Tidings-Digest": prepared.digestId };
  if (recipient.deliveryId !== undefined) headers["X-Tidings-Delivery"] = recipient.deliveryId;
  // The display name is the one-line name the greeting shows, so no CR or LF can reach the To header.
  const to = personal.name ? { name: personal.name, address: recipient.email } : recipient.email;
  return {
    to,
    subject: copy.subject,
    language: prepared.language,
    html: copy.html,
    text: copy.text,
    marketing: { unsubscribeUrl: personal.unsubscribeUrl },
    headers,
  };
}

/**
 * An editor's test copy: the same email, its subject marked `[TEST]`, without what only a real send carries: the
 * one-click unsubscribe headers and List-Id (a mail client's Unsubscribe button in a test inbox must reach nobody)
 * and the trace headers (a bounce or complaint at a test inbox is not the reader's). Its links are a preview's
 * already (`resolveReader`).
 */
export function testCopy(message: Email.Message): Email.Message {
  const { marketing: _marketing, headers: _headers, ...copy } = message;
  return { ...copy, subject: `[TEST] ${message.subject}` };
}

