/**
 * Builds the raw MIME of one email with nodemailer's MailComposer (never by hand): multipart/alternative with a
 * text and an HTML part in UTF-8, From from the configuration, Reply-To when configured, a Message-ID of our own
 * domain, and for marketing mail the RFC 8058 one-click unsubscribe headers and a List-Id (RFC 2919).
 *
 * Headers in another script than Latin (a Ukrainian subject, outlet or reader's name) are RFC 2047 encoded words
 * in base64 (`=?UTF-8?B?…?=`), mostly Latin ones in Q (readable as they are); nodemailer chooses per header,
 * splits the words at whole characters and folds the lines. The bodies are quoted-printable whatever their
 * script: longer than base64 for Cyrillic, but the links, markup and Latin text stay as they are in the source.
 */
import MailComposer from "nodemailer/lib/mail-composer";
import type Mail from "nodemailer/lib/mailer";
import mimeFuncs from "nodemailer/lib/mime-funcs";
import * as Config from "../config";
import {
  assertAddress,
  assertHeaderName,
  assertHeaderSafe,
  assertListId,
  headerUrl,
  UnsafeHeaderError,
  type Mailbox,
  type Message,
} from "./message";
import { messageId } from "./message-id";

/** The raw RFC 5322 message, exactly as it would be handed to SES. Throws `UnsafeHeaderError` on unsafe input. */
export async function compose(message: Message): Promise<Buffer> {
  const config = Config.get();
  assertHeaderSafe("From (MAIL_FROM)", config.MAIL_FROM);
  if (config.MAIL_REPLY_TO) assertHeaderSafe("Reply-To (MAIL_REPLY_TO)", config.MAIL_REPLY_TO);
  assertHeaderSafe("Subject", message.subject);

  const headers: Mail.Headers = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    assertHeaderName(name);
    assertHeaderSafe(name, value);
    headers[name] = value;
  }
  if (message.marketing) Object.assign(headers, listHeaders(message.marketing, config));
  if (message.language !== undefined) {
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(message.language)) throw new UnsafeHeaderError("Refusing to send: an invalid language tag");
    headers["Content-Language"] = message.language;
  }

  const composer = new MailComposer({
    from: config.MAIL_FROM,
    replyTo: config.MAIL_REPLY_TO,
    to: mailbox(message.to),
    subject: message.subject,
    messageId: messageId(message, config),
    text: message.text,
    html: message.html,
    headers,
    // The text parts' transfer encoding; not `textEncoding`, which would also force Q on every header.
    encoding: "quoted-printable",
    // The bodies are strings; never let a value be read as a file path or URL to fetch.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const root = composer.compile();
  // Every line break CRLF (RFC 5322 §2.3), the bodies' too: the templates and the text part break lines with LF.
  root.newline = "windows";
  return root.build();
}

function mailbox(to: Mailbox): Mail.Address {
  const { name = "", address } = typeof to === "string" ? { address: to } : to;
  assertHeaderSafe("the recipient's name", name);
  assertAddress("To", address);
  return { name, address };
}

/** List-Unsubscribe (one-click https first, mailto when configured), List-Unsubscribe-Post, List-Id. */
function listHeaders(marketing: NonNullable<Message["marketing"]>, config: Config.Config): Mail.Headers {
  const targets = [`<${headerUrl("List-Unsubscribe", marketing.unsubscribeUrl)}>`];
  if (config.UNSUBSCRIBE_MAILTO) targets.push(`<${mailto(config.UNSUBSCRIBE_MAILTO)}>`);

  const listId = marketing.listId ?? `newsletter.${new URL(config.PUBLIC_URL).hostname}`;
  assertListId(listId);
  assertHeaderSafe("OUTLET_NAME", config.OUTLET_NAME);

  // `prepared`: our values are already valid header text; nodemailer must not re-encode the URLs.
  return {
    "List-Unsubscribe": { prepared: true, foldLines: true, value: targets.join(", ") },
    "List-Unsubscribe-Post": { prepared: true, value: "List-Unsubscribe=One-Click" },
    "List-Id": { prepared: true, foldLines: true, value: `${phrase(config.OUTLET_NAME)} <${listId}>` },
  } as Mail.Headers;
}

/** `UNSUBSCRIBE_MAILTO` may be given as `mailto:a@b?subject=…` or a bare address. */
function mailto(setting: string): string {
  const [address = "", query] = setting.replace(/^mailto:/i, "").split("?", 2);
  assertAddress("UNSUBSCRIBE_MAILTO", address);
  if (query !== undefined && !/^[\x21-\x7e]*$/.test(query.replace(/[<>]/g, " "))) {
    throw new UnsafeHeaderError("Refusing to send: UNSUBSCRIBE_MAILTO has an unsafe query");
  }
  return `mailto:${address}${query === undefined ? "" : `?${query}`}`;
}

/**
 * A display phrase: a quoted string when ASCII, else RFC 2047 encoded words, base64 when most of it is not Latin
 * (as nodemailer chooses for the other headers).
 */
function phrase(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `"${text.replace(/[\\"]/g, "\\$&")}"`;
  const latin = (text.match(/[a-z]/gi) ?? []).length;
  const other = (text.match(/[^\x00-\x7f]/g) ?? []).length;
  return mimeFuncs.encodeWord(text, other < latin ? "Q" : "B", 52);
}
