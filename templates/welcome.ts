/** Sent once a subscriber has confirmed: what they will get, and how to change or stop it, in their language. */
import * as I18n from "../core/i18n";
import template from "./compiled/welcome";
import type { Rendered } from "./html";
import { renderMessage } from "./message";

export interface WelcomeData {
  /** The subscriber's language; the default language when absent. */
  language?: string;
  outletName: string;
  postalAddress: string;
  name?: string;
  manageUrl: string;
  unsubscribeUrl: string;
  /** Names of the topics followed, in the subscriber's language; empty means all topics. */
  topics: string[];
  frequency: "daily" | "weekly";
}

export function welcome(data: WelcomeData): Rendered {
  const { language, outletName, postalAddress, name, manageUrl, unsubscribeUrl, topics, frequency } = data;
  const { t } = I18n.translator(language);
  return renderMessage(template, {
    language,
    outletName,
    postalAddress,
    subject: t("subscribers.email.welcome.subject", { outlet: outletName }),
    preheader: t("subscribers.email.welcome.preheader", { frequency }),
    heading: t("subscribers.email.welcome.heading"),
    links: { manage: manageUrl, unsubscribe: unsubscribeUrl },
    values: {
      name: name?.trim() ?? "",
      // A select (daily or weekly) is chosen at render time, so the sentence is formatted here.
      confirmed: t("subscribers.email.welcome.confirmed", { frequency, outlet: outletName }),
      topics,
    },
  });
}

export const preview: WelcomeData = {
  outletName: "The Harbour Gazette",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
  name: "Ada",
  manageUrl: "https://news.example.org/preferences?token=preview-token",
  unsubscribeUrl: "https://news.example.org/unsubscribe?token=preview-token",
  topics: ["Harbour", "Council"],
  frequency: "weekly",
};
