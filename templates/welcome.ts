/** Sent once a subscriber has confirmed: what they will get, and how to change or stop it. */
import template from "./compiled/welcome";
import type { Rendered } from "./html";
import { renderMessage } from "./message";

export interface WelcomeData {
  outletName: string;
  postalAddress: string;
  name?: string;
  manageUrl: string;
  unsubscribeUrl: string;
  /** Names of the topics followed; empty means all topics. */
  topics: string[];
  frequency: "daily" | "weekly";
}

export function welcome(data: WelcomeData): Rendered {
  const { outletName, postalAddress, name, manageUrl, unsubscribeUrl, topics, frequency } = data;
  return renderMessage(template, {
    outletName,
    postalAddress,
    subject: `Welcome to ${outletName}`,
    preheader: `You're subscribed: your first digest arrives ${frequency === "daily" ? "tomorrow" : "this week"}.`,
    heading: "You're subscribed",
    links: { manage: manageUrl, unsubscribe: unsubscribeUrl },
    values: {
      name: name?.trim() ?? "",
      cadence: frequency === "daily" ? "every day" : "once a week",
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
