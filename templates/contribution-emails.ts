/**
 * The thank-you for a contribution: the amount, the topic it went towards (if any) and the outlet's name; and, when
 * that topic is covered, "You funded it, we covered it".
 * Transactional (sent once per contribution, to whoever paid): no unsubscribe link and no token of any kind.
 */
import * as I18n from "../core/i18n";
import coveredTemplate from "./compiled/contribution-covered";
import thanksTemplate from "./compiled/contribution-thanks";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface ContributionThanksData {
  /** The giver's language (that of the page they gave from); the default language when absent. */
  language?: string;
  outletName: string;
  postalAddress: string;
  name?: string;
  /** The amount paid in words, in `language`, e.g. "€10" ("10 €"). */
  amount: string;
  /** The title of the topic it went towards, in `language`. */
  topicTitle?: string;
  /** The support page (`/support`). */
  supportUrl: string;
}

export function contributionThanks(data: ContributionThanksData): Rendered {
  const { t } = I18n.translator(data.language);
  return renderMessage(thanksTemplate, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("support.email.thanks.subject", { outlet: data.outletName }),
    preheader: t("support.email.thanks.preheader", { amount: data.amount }),
    heading: t("support.email.thanks.heading"),
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

export interface ContributionCoveredData {
  /** The contributor's language; the default language when absent. */
  language?: string;
  outletName: string;
  postalAddress: string;
  name?: string;
  /** The title of the topic the contribution went towards, now covered, in `language`. */
  topicTitle: string;
  /** Where the coverage is: the topic's first article, or the topics page. */
  readUrl: string;
  /** The support page (`/support`). */
  supportUrl: string;
}

/**
 * "You funded it, we covered it": sent once to each contributor towards a topic the newsroom has covered.
 * Transactional (about the reader's own payment): no unsubscribe link and no token of any kind.
 */
export function contributionCovered(data: ContributionCoveredData): Rendered {
  const { t } = I18n.translator(data.language);
  return renderMessage(coveredTemplate, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("support.email.covered.subject"),
    preheader: t("support.email.covered.preheader", { topic: data.topicTitle }),
    heading: t("support.email.covered.heading"),
    values: { name: data.name?.trim() ?? "", topic: data.topicTitle, read_url: safeUrl(data.readUrl), support_url: safeUrl(data.supportUrl) },
  });
}

export const coveredPreview = {
  outletName: "The Harbour Gazette",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
  topicTitle: "Harbour dredging contracts",
  readUrl: "https://news.example.org/2026/harbour-dredging",
  supportUrl: "https://news.example.org/support",
} satisfies ContributionCoveredData;
