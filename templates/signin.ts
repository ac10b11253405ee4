/**
 * The sign-in email: a magic link to `/login`. Like the confirmation it never carries the subscriber's name:
 * anyone can ask for a sign-in link for any address, so the email holds nothing but the link. It speaks the
 * language of the subscriber the address belongs to.
 */
import * as I18n from "../core/i18n";
import template from "./compiled/signin";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface SigninData {
  /** The subscriber's language; the default language when absent. */
  language?: string;
  outletName: string;
  signinUrl: string;
  postalAddress: string;
}

export function signin(data: SigninData): Rendered {
  // Pick the fields by name: extra data passed by mistake (a name) must not reach the email.
  const { language, outletName, signinUrl, postalAddress } = data;
  const { t } = I18n.translator(language);
  return renderMessage(template, {
    language,
    outletName,
    postalAddress,
    subject: t("signin.email.subject", { outlet: outletName }),
    preheader: t("signin.email.preheader"),
    heading: t("signin.email.heading", { outlet: outletName }),
    values: { signin_url: safeUrl(signinUrl) },
  });
}

export const preview: SigninData = {
  outletName: "The Harbour Gazette",
  signinUrl: "https://news.example.org/login?token=preview-token",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
};
