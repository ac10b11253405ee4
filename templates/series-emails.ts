/**
 * The welcome series' own emails (the steps are configured in series.ts; day 0 is the welcome, welcome.ts): the
 * best of recent articles on the reader's topics, and the invitation to become a patron. Marketing email: the
 * footer's manage and unsubscribe links, and (added by the sender) the one-click unsubscribe headers.
 */
import * as I18n from "../core/i18n";
import bestOfTemplate from "./compiled/series-best-of";
import invitationTemplate from "./compiled/series-patron-invitation";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

interface SeriesEmailData {
  /** The subscriber's language; the default language when absent. */
  language?: string;
  outletName: string;
  postalAddress: string;
  name?: string;
  manageUrl: string;
  unsubscribeUrl: string;
}

/** One story as the best-of lists it: its version in the reader's language where there is one. */
export interface SeriesArticle {
  url: string;
  title: string;
  author?: string;
  summary?: string;
  /** Its publication date in words, in the reader's language. */
  date: string;
  /** "In Ukrainian" when it is not in the reader's language; else empty. */
  language: string;
}

export interface SeriesBestOfData extends SeriesEmailData {
  /** At least one. */
  articles: SeriesArticle[];
}

export interface SeriesPatronInvitationData extends SeriesEmailData {
  /** The tiers: each one's name and price in words, in the reader's language. */
  tiers: { name: string; price: string }[];
  /** The cheapest monthly price in words ("€5 a month"), for the preview line. */
  coffee: string;
  /** `/join`, carrying where the reader came from (`src=email:welcome-series`). */
  joinUrl: string;
  /** `/support`: giving once. */
  supportUrl: string;
}

export function seriesBestOf(data: SeriesBestOfData): Rendered {
  const { t } = I18n.translator(data.language);
  const count = data.articles.length;
  return renderMessage(bestOfTemplate, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("series.email.best-of.subject", { outlet: data.outletName }),
    preheader: t("series.email.best-of.preheader", { count }),
    heading: t("series.email.best-of.heading"),
    links: { manage: data.manageUrl, unsubscribe: data.unsubscribeUrl },
    values: {
      name: data.name?.trim() ?? "",
      // A plural is chosen at render time, so the sentence is formatted here.
      intro: t("series.email.best-of.intro", { outlet: data.outletName, count }),
      articles: data.articles.map((article) => ({ ...article, url: safeUrl(article.url), author: article.author ?? "", summary: article.summary ?? "" })),
    },
  });
}

export function seriesPatronInvitation(data: SeriesPatronInvitationData): Rendered {
  const { t } = I18n.translator(data.language);
  return renderMessage(invitationTemplate, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("series.email.invitation.subject", { outlet: data.outletName }),
    preheader: t("series.email.invitation.preheader", { coffee: data.coffee }),
    heading: t("series.email.invitation.heading"),
    links: { manage: data.manageUrl, unsubscribe: data.unsubscribeUrl },
    values: { name: data.name?.trim() ?? "", tiers: data.tiers, join_url: safeUrl(data.joinUrl), support_url: safeUrl(data.supportUrl) },
  });
}

const base: SeriesEmailData = {
  outletName: "The Harbour Gazette",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
  name: "Ada",
  manageUrl: "https://news.example.org/preferences?token=preview-token",
  unsubscribeUrl: "https://news.example.org/unsubscribe?token=preview-token",
};

export const previews = {
  seriesBestOf: {
    ...base,
    articles: [
      {
        url: "https://news.example.org/articles/harbour-dredging",
        title: "Who won the harbour dredging contract",
        author: "Maya Quay",
        summary: "Three bids, one winner, and a council minute nobody read.",
        date: "2 December 2026",
        language: "",
      },
      { url: "https://news.example.org/articles/ferry-fares", title: "Ferry fares rise again", date: "30 November 2026", language: "" },
    ],
  } satisfies SeriesBestOfData,
  seriesPatronInvitation: {
    ...base,
    tiers: [
      { name: "Coffee", price: "€5 a month" },
      { name: "Press pass", price: "€15 a month" },
    ],
    coffee: "€5 a month",
    joinUrl: "https://news.example.org/join?src=email%3Awelcome-series",
    supportUrl: "https://news.example.org/support",
  } satisfies SeriesPatronInvitationData,
};
