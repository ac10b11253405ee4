/** Renders a transactional email (confirmation, welcome, …): the whole template once, and its text from it. */
import * as I18n from "../core/i18n";
import type { LocalizedTemplate } from "./engine";
import { inLanguage, renderLayout } from "./engine";
import { oneLine, safeUrl, toText, type Rendered } from "./html";

export interface MessageData {
  /** The reader's language (`LANGUAGES`); the source language when absent. */
  language?: string;
  outletName: string;
  postalAddress: string;
  subject: string;
  /** The preview line most inboxes show after the subject. */
  preheader: string;
  /** The email's heading, under the outlet's name. */
  heading: string;
  /** Footer links of marketing email; absent in transactional email. */
  links?: { manage: string; unsubscribe: string };
  /** The template's own values (its links already checked with `safeUrl`). */
  values?: Record<string, unknown>;
}

export function renderMessage(template: LocalizedTemplate, data: MessageData): Rendered {
  const subject = oneLine(data.subject);
  const links = data.links
    ? { manage: safeUrl(data.links.manage), unsubscribe: safeUrl(data.links.unsubscribe) }
    : {};
  const html = renderLayout(inLanguage(template, data.language), {
    ...data.values,
    subject,
    preheader: data.preheader,
    heading: data.heading,
    meta: "",
    outlet: { name: data.outletName, postal_address: data.postalAddress },
    links,
    delivery_comment: "",
  });
  return { subject, html, text: toText(html), language: data.language ?? I18n.SOURCE };
}
