/** The dashboard's sign-in email: a magic link to `/editor/signin`, for an address in `EDITORS`. */
import * as I18n from "../core/i18n";
import template from "./compiled/editor-signin";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface EditorSigninData {
  outletName: string;
  signinUrl: string;
  postalAddress: string;
  /** The language of the page the editor asked from; the default language when absent. */
  language?: string;
}

export function editorSignin(data: EditorSigninData): Rendered {
  const { outletName, signinUrl, postalAddress, language } = data;
  const { t } = I18n.translator(language);
  return renderMessage(template, {
    language,
    outletName,
    postalAddress,
    subject: t("editor.email.subject", { outlet: outletName }),
    preheader: t("editor.email.preheader"),
    heading: t("editor.email.heading"),
    values: { signin_url: safeUrl(signinUrl) },
  });
}

export const preview: EditorSigninData = {
  outletName: "The Harbour Gazette",
  signinUrl: "https://news.example.org/editor/signin?token=preview-token",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
};
