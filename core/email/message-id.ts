/**
 * The Message-ID of every email we compose (RFC 5322 §3.6.4): `<32 hex digits@the sender's domain>`, so it is
 * plainly ours, from the domain the email says it is from, never one a library made up from the machine's name.
 *
 * A reader's digest is one delivery (its `X-Tidings-Digest` and `X-Tidings-Delivery`), and every attempt at it
 * gets the same id: when an attempt is retried after SES had in fact accepted it (see core/delivery/README.md,
 * "Crash points"), the second copy is recognisably the same email, which mail stores and clients that
 * de-duplicate by Message-ID then show once. Any other email gets a random id.
 *
 * SES replaces the Message-ID of what it sends with its own (its "header fields" documentation), so this is what
 * the local stack, a test copy seen before sending, and any other transport see; it costs nothing to be right.
 */
import { createHash, randomBytes } from "node:crypto";
import type * as Config from "../config";
import type { Message } from "./message";

export function messageId(message: Message, config: Pick<Config.Config, "MAIL_FROM" | "PUBLIC_URL">): string {
  const digest = message.headers?.["X-Tidings-Digest"];
  const delivery = message.headers?.["X-Tidings-Delivery"];
  const unique =
    digest && delivery
      ? createHash("sha256").update(`${digest}\n${delivery}`).digest("hex").slice(0, 32)
      : randomBytes(16).toString("hex");
  return `<${unique}@${senderDomain(config)}>`;
}

/** The domain of MAIL_FROM's address (`News <news@example.org>` → `example.org`), else PUBLIC_URL's host. */
export function senderDomain(config: Pick<Config.Config, "MAIL_FROM" | "PUBLIC_URL">): string {
  const domain = /@([^\s@<>"]+)>?\s*$/.exec(config.MAIL_FROM)?.[1];
  return (domain && hostname(domain)) || new URL(config.PUBLIC_URL).hostname;
}

/** A host name as it goes on the wire (an internationalised one in punycode), or undefined when it is none. */
function hostname(domain: string): string | undefined {
  try {
    const host = new URL(`http://${domain}`).hostname;
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : undefined;
  } catch {
    return undefined;
  }
}
