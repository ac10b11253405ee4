/**
 * The double opt-in email, sent on sign-up. It never contains the subscriber's name (or anything else the
 * sign-up form supplied): anyone can type someone else's address, so this email must carry nothing of theirs.
 */
import { html, type Rendered } from "./html";
import { button, layout, paragraph } from "./layout";

export interface ConfirmationData {
  outletName: string;
  confirmUrl: string;
  postalAddress: string;
}

export function confirmation(data: ConfirmationData): Rendered {
  // Pick the fields by name: extra data passed by mistake (a name) must not reach the email.
  const { outletName, confirmUrl, postalAddress } = data;
  const body = html`${paragraph(html`Please confirm that you want to receive ${outletName} by email.`)}
${button(confirmUrl, "Confirm my subscription")}
${paragraph("This link is valid for 7 days.")}
${paragraph(`If you didn't sign up, you can ignore this email: you won't be subscribed and won't hear from us again.`)}`;
  return layout({
    outletName,
    postalAddress,
    subject: `Confirm your subscription to ${outletName}`,
    preheader: "One click to confirm, and you're in.",
    body,
  });
}

export const preview: ConfirmationData = {
  outletName: "The Harbour Gazette",
  confirmUrl: "https://news.example.org/confirm?token=preview-token",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
};
