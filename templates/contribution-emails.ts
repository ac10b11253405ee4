/**
 * The thank-you for a contribution: the amount, the topic it went towards (if any) and the outlet's name.
 * Transactional (sent once per contribution, to whoever paid): no unsubscribe link and no token of any kind.
 */
import thanksTemplate from "./compiled/contribution-thanks";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface ContributionThanksData {
  outletName: string;
  postalAddress: string;
  name?: string;
  /** The amount paid in words, e.g. "€10". */
  amount: string;
  /** The title of the topic it went towards. */
  topicTitle?: string;
  /** The support page (`/support`). */
  supportUrl: string;
}

export function contributionThanks(data: ContributionThanksData): Rendered {
  return renderMessage(thanksTemplate, {
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: `Thank you for supporting ${data.outletName}`,
    preheader: `Your contribution of ${data.amount} has arrived: thank you.`,
    heading: "Thank you for your contribution",
    values: { name: data.name?.trim() ?? "", amount: data.amount, topic: data.topicTitle ?? "", support_url: safeUrl(data.supportUrl) },
  });
}

export const preview = {
  outletName: "The Harbour Gazette",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
  amount: "€10",
  topicTitle: "Harbour dredging contracts",
  supportUrl: "https://news.example.org/support",
} satisfies ContributionThanksData;
