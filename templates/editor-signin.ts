/** The dashboard's sign-in email: a magic link to `/editor/signin`, for an address in `EDITORS`. */
import template from "./compiled/editor-signin";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface EditorSigninData {
  outletName: string;
  signinUrl: string;
  postalAddress: string;
}

export function editorSignin(data: EditorSigninData): Rendered {
  const { outletName, signinUrl, postalAddress } = data;
  return renderMessage(template, {
    outletName,
    postalAddress,
    subject: `Sign in to the ${outletName} dashboard`,
    preheader: "Your dashboard sign-in link, valid for 15 minutes.",
    heading: "Sign in to the dashboard",
    values: { signin_url: safeUrl(signinUrl) },
  });
}

export const preview: EditorSigninData = {
  outletName: "The Harbour Gazette",
  signinUrl: "https://news.example.org/editor/signin?token=preview-token",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
};
