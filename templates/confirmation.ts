/**
 * The double opt-in email, sent on sign-up. It never contains the subscriber's name (or anything else the
 * sign-up form supplied): anyone can type someone else's address, so this email must carry nothing of theirs.
 * It speaks the language chosen for this sign-up.
 */
import * as I18n from "../core/i18n";
import template from "./compiled/confirmation";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface ConfirmationData {
  /** The language of this sign-up; the default language when absent. */
  language?: string;
  outletName: string;
  confirmUrl: string;
  postalAddress: string;
}

export function confirmation(data: ConfirmationData): Rendered {
  // Pick the fields by name: extra data passed by mistake (a name) must not reach the email.
  const { language, outletName, confirmUrl, postalAddress } = data;
  const { t } = I18n.translator(language);
  return renderMessage(template, {
    language,
    outletName,
    postalAddress,
    subject: t("subscribers.email.confirmation.subject", { outlet: outletName }),
    preheader: t("subscribers.email.confirmation.preheader"),
    heading: t("subscribers.email.confirmation.heading"),
    values: { confirm_url: safeUrl(confirmUrl) },
  });
}

export const preview: ConfirmationData = {
  outletName: "The Harbour Gazette",
  confirmUrl: "https://news.example.org/confirm?token=preview-token",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
};
