/**
 * The personal values of one reader's copy: computed the same way whether the copy is assembled or rendered in
 * full, so both agree to the byte.
 */
import * as Config from "../../config";
import * as I18n from "../../i18n";
import { manageUrl, unsubscribeUrl } from "../../subscribers/links";
import * as Tokens from "../../tokens";
import type { Recipient } from "../types";
import type { Plan } from "./types";
import type { Selection } from "./select";

const PREHEADER_TITLES = 3;
const PREHEADER_LENGTH = 140;

export interface Personal {
  /** The name as shown: whitespace (CR/LF included) collapsed to single spaces; "" for none. */
  name: string;
  preheader: string;
  manageUrl: string;
  unsubscribeUrl: string;
  /** By topic id, for the topics of the vote block. */
  voteUrls: Record<string, string>;
  /** An HTML comment naming the delivery (for tracing a forwarded email), or "". */
  deliveryComment: string;
}

export function personal(
  recipient: Recipient,
  selection: Selection,
  plan: Plan,
  voteTopicIds: string[],
  issuedAt: Date,
): Personal {
  const preview = recipient.preview === true;
  const voteUrls: Record<string, string> = {};
  for (const topicId of voteTopicIds) {
    voteUrls[topicId] = preview ? previewLinkUrl("vote") : voteUrl(recipient.subscriberId, topicId, issuedAt);
  }
  return {
    name: normalName(recipient.name),
    preheader: preheader(plan, selection),
    manageUrl: preview ? previewLinkUrl("manage") : manageUrl(recipient.subscriberId),
    unsubscribeUrl: preview ? previewLinkUrl("unsubscribe") : unsubscribeUrl(recipient.subscriberId),
    voteUrls,
    deliveryComment: deliveryComment(recipient.deliveryId),
  };
}

/**
 * One line, no control or zero-width characters, no space at either end. Besides keeping names out of trouble,
 * this is exactly what survives the HTML-to-text conversion unchanged, so substituting it gives the same text.
 */
export function normalName(name: string | undefined): string {
  return (name ?? "").replace(/[\s\u0000-\u001f\u007f-\u009f\u200b]+/g, " ").trim();
}

/** A one-click vote link: signed for this patron and topic, valid for the vote purpose's lifetime. */
export function voteUrl(subscriberId: string, topicId: string, issuedAt: Date): string {
  const token = Tokens.sign("vote", `${subscriberId}~${topicId}`, issuedAt);
  return `${Config.get().PUBLIC_URL}/vote?token=${encodeURIComponent(token)}`;
}

/** The links a preview or test copy has in place of a reader's own. */
export const previewLinks = ["manage", "unsubscribe", "vote"] as const;
export const PREVIEW_LINK_PATH = "/preview-link";

/**
 * A link of a preview or test copy: a page saying so, carrying no token of any purpose. A preview is shown to an
 * editor and a test copy lands in any inbox, so neither may hold a link that acts on the reader it was made as
 * (unsubscribing them, managing their preferences, voting as them).
 */
export function previewLinkUrl(link: (typeof previewLinks)[number]): string {
  return `${Config.get().PUBLIC_URL}${PREVIEW_LINK_PATH}?link=${link}`;
}

/**
 * The preview line: the reader's "You funded it" notices (headed as in the email, templates/mjml/partials/you-funded.mjml),
 * then the titles of their first articles, in the plan's language.
 */
function preheader(plan: Plan, selection: Selection): string {
  const titles = new Map(plan.articles.map((article) => [article.id, article.title]));
  const { t } = I18n.translator(plan.language);
  const line = [
    ...selection.funded.map((notice) => t("digest.funded.preheader", { title: notice.title })),
    ...selection.articleIds.map((id) => normalName(titles.get(id))),
  ]
    .slice(0, PREHEADER_TITLES)
    .join(" · ");
  const chars = Array.from(line); // by code point, so an emoji is never cut in half
  return chars.length > PREHEADER_LENGTH ? `${chars.slice(0, PREHEADER_LENGTH - 1).join("").trimEnd()}…` : line;
}

const DELIVERY_ID = /^[A-Za-z0-9_.:~-]{1,200}$/;

function deliveryComment(deliveryId: string | undefined): string {
  if (deliveryId === undefined) return "";
  if (!DELIVERY_ID.test(deliveryId)) throw new Error("invalid delivery id");
  return `<!-- tidings-delivery ${deliveryId} -->`;
}
