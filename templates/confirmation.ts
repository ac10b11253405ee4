/**
 * The double opt-in email, sent on sign-up. It never contains the subscriber's name (or anything else the
 * sign-up form supplied): anyone can type someone else's address, so this email must carry nothing of theirs.
 */
import template from "./compiled/confirmation";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface ConfirmationData {
  outletName: string;
  confirmUrl: string;
  postalAddress: string;
}

export function confirmation(data: ConfirmationData): Rendered {
  // Pick the fields by name: extra data passed by mistake (a name) must not reach the email.
  const { outletName, confirmUrl, postalAddress } = data;
  return renderMessage(template, {
    outletName,
    postalAddress,
    subject: `Confirm your subscription to ${outletName}`,
    preheader: "One click to confirm, and you're in.",
    heading: "Confirm your subscription",
    values: { confirm_url: safeUrl(confirmUrl) },
  });
}

export const preview: ConfirmationData = {
  outletName: "The Harbour Gazette",
  confirmUrl: "https://news.example.org/confirm?token=preview-token",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
};
