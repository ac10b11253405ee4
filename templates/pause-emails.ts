/**
 * "Your membership is paused until …": sent once when a patron pauses from the account page, so they have the date
 * it resumes by itself and the way back sooner. Transactional (about a membership they hold): no unsubscribe link.
 */
import * as I18n from "../core/i18n";
import type * as Email from "../core/email";
import template from "./compiled/patron-paused";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface PatronPausedData {
  /** The patron's language; the default language when absent. */
  language?: string;
  outletName: string;
  postalAddress: string;
  name?: string;
  /** The tier's name in their language, e.g. "Coffee". */
  tierName: string;
  /** When it resumes, in words in their language, e.g. "31 December 2026". */
  pausedUntil: string;
  /** Where a signed-in patron resumes sooner (`/account`). */
  accountUrl: string;
}

export function patronPaused(data: PatronPausedData): Rendered {
  const { t } = I18n.translator(data.language);
  return renderMessage(template, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("pause.email.subject", { outlet: data.outletName, date: data.pausedUntil }),
    preheader: t("pause.email.preheader"),
    heading: t("pause.email.heading"),
    values: { name: data.name?.trim() ?? "", tier: data.tierName, paused_until: data.pausedUntil, account_url: safeUrl(data.accountUrl) },
  });
}

/** The email as it is sent (pure: data in, message out; deliverability tests score it). */
export function patronPausedMessage(data: PatronPausedData & { to: string }): Email.Message {
  const { to, ...rest } = data;
  return { to, ...patronPaused(rest) };
}

export const preview: PatronPausedData = {
  outletName: "The Harbour Gazette",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
  name: "Ada",
  tierName: "Coffee",
  pausedUntil: "5 February 2027",
  accountUrl: "https://news.example.org/account",
};
