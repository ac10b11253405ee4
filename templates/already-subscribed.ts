/**
 * Sent when someone signs up with an address that is already an active subscriber. The sign-up response looks
 * the same either way; this email tells the address's owner, and only them. No name: the form's data isn't theirs.
 */
import { html, type Rendered } from "./html";
import { button, layout, paragraph } from "./layout";

export interface AlreadySubscribedData {
  outletName: string;
  manageUrl: string;
  postalAddress: string;
}

export function alreadySubscribed(data: AlreadySubscribedData): Rendered {
  const { outletName, manageUrl, postalAddress } = data;
  const body = html`${paragraph(html`Someone (probably you) just asked to subscribe this address to ${outletName}. You're already subscribed, so nothing has changed.`)}
${paragraph("To change the topics you follow or how often you hear from us, manage your preferences:")}
${button(manageUrl, "Manage my preferences")}
${paragraph(`If this wasn't you, you can ignore this email.`)}`;
  return layout({
    outletName,
    postalAddress,
    subject: `You're already subscribed to ${outletName}`,
    preheader: "Nothing has changed: here is how to manage your preferences.",
    body,
  });
}

export const preview: AlreadySubscribedData = {
  outletName: "The Harbour Gazette",
  manageUrl: "https://news.example.org/preferences?token=preview-token",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
};
