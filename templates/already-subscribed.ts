/**
 * Sent when someone signs up with an address that is already an active subscriber. The sign-up response looks
 * the same either way; this email tells the address's owner, and only them. No name: the form's data isn't theirs.
 */
import template from "./compiled/already-subscribed";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface AlreadySubscribedData {
  outletName: string;
  manageUrl: string;
  postalAddress: string;
}

export function alreadySubscribed(data: AlreadySubscribedData): Rendered {
  const { outletName, manageUrl, postalAddress } = data;
  return renderMessage(template, {
    outletName,
    postalAddress,
    subject: `You're already subscribed to ${outletName}`,
    preheader: "Nothing has changed: here is how to manage your preferences.",
    heading: "You're already subscribed",
    values: { manage_url: safeUrl(manageUrl) },
  });
}

export const preview: AlreadySubscribedData = {
  outletName: "The Harbour Gazette",
  manageUrl: "https://news.example.org/preferences?token=preview-token",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
};
