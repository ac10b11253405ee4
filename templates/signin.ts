/**
 * The sign-in email: a magic link to `/login`. Like the confirmation it never carries the subscriber's name:
 * anyone can ask for a sign-in link for any address, so the email holds nothing but the link.
 */
import template from "./compiled/signin";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface SigninData {
  outletName: string;
  signinUrl: string;
  postalAddress: string;
}

export function signin(data: SigninData): Rendered {
  // Pick the fields by name: extra data passed by mistake (a name) must not reach the email.
  const { outletName, signinUrl, postalAddress } = data;
  return renderMessage(template, {
    outletName,
    postalAddress,
    subject: `Sign in to ${outletName}`,
    preheader: "Your sign-in link, valid for 24 hours.",
    heading: `Sign in to ${outletName}`,
    values: { signin_url: safeUrl(signinUrl) },
  });
}

export const preview: SigninData = {
  outletName: "The Harbour Gazette",
  signinUrl: "https://news.example.org/login?token=preview-token",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
};
