/**
 * Sent when someone signs up with an address that is already an active subscriber. The sign-up response looks
 * the same either way; this email tells the address's owner, and only them. No name: the form's data isn't theirs.
 * It speaks the owner's language, not the one the sign-up asked for (which may be a stranger's).
 */
import * as I18n from "../core/i18n";
import template from "./compiled/already-subscribed";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface AlreadySubscribedData {
  /** The subscriber's language; the default language when absent. */
  language?: string;
  outletName: string;
  manageUrl: string;
  postalAddress: string;
}

export function alreadySubscribed(data: AlreadySubscribedData): Rendered {
  const { language, outletName, manageUrl, postalAddress } = data;
  const { t } = I18n.translator(language);
  return renderMessage(template, {
    language,
    outletName,
    postalAddress,
    subject: t("subscribers.email.already.subject", { outlet: outletName }),
    preheader: t("subscribers.email.already.preheader"),
    heading: t("subscribers.email.already.heading"),
    values: { manage_url: safeUrl(manageUrl) },
  });
}

export const preview: AlreadySubscribedData = {
  outletName: "The Harbour Gazette",
  manageUrl: "https://news.example.org/preferences?token=preview-token",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
};
