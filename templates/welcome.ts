/** Sent once a subscriber has confirmed: what they will get, and how to change or stop it. */
import { html, type Rendered } from "./html";
import { button, layout, paragraph } from "./layout";

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
  const greeting = name?.trim() ? html`Welcome, ${name.trim()}!` : html`Welcome!`;
  const cadence = frequency === "daily" ? "every day" : "once a week";
  const following = topics.length
    ? html`<p style="margin:0 0 8px 0">You follow:</p>
<ul style="margin:0 0 16px 0;padding-left:20px">${topics.map((topic) => html`<li>${topic}</li>`)}</ul>`
    : paragraph("You follow all our topics.");
  const body = html`${paragraph(greeting)}
${paragraph(html`Your subscription to ${outletName} is confirmed. You'll get a digest of new articles ${cadence}.`)}
${following}
${paragraph("You can change your topics, frequency or name, or pause your digests, at any time:")}
${button(manageUrl, "Manage my preferences")}`;
  return layout({
    outletName,
    postalAddress,
    subject: `Welcome to ${outletName}`,
    preheader: `You're subscribed: your first digest arrives ${frequency === "daily" ? "tomorrow" : "this week"}.`,
    body,
    footerLinks: [
      { label: "Manage preferences", url: manageUrl },
      { label: "Unsubscribe", url: unsubscribeUrl },
    ],
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
