/**
 * The win-back: one email, `WINBACK_DAYS` after a paid membership lapsed, thanking the reader for what they supported
 * and offering the way back (their former tier on `/join`, with a promotion code when one is configured). Marketing
 * email: it carries the footer's manage and unsubscribe links and the one-click unsubscribe headers, as the welcome.
 */
import * as I18n from "../core/i18n";
import type * as Email from "../core/email";
import template from "./compiled/winback";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";
import type { PatronEmailData } from "./patron-emails";

/** A former patron's membership data (no account page: the way back is `/join`). */
export interface WinBackData extends Omit<PatronEmailData, "accountUrl"> {
  /** The day the membership ended, in words, in their language, e.g. "3 November 2026". */
  endedOn: string;
  /** `/join` for their former tier, carrying the attribution (and the promotion code, if any). */
  joinUrl: string;
  /** `WINBACK_PROMOTION_CODE`, shown as it is; absent: the email offers the way back without one. */
  promotionCode?: string;
  manageUrl: string;
  unsubscribeUrl: string;
}

export function winBack(data: WinBackData): Rendered {
  const { t } = I18n.translator(data.language);
  return renderMessage(template, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("winback.email.subject", { outlet: data.outletName }),
    preheader: t("winback.email.preheader", { tier: data.tierName, date: data.endedOn }),
    heading: t("winback.email.heading"),
    links: { manage: data.manageUrl, unsubscribe: data.unsubscribeUrl },
    values: {
      name: data.name?.trim() ?? "",
      tier: data.tierName,
      price: data.price,
      ended_on: data.endedOn,
      join_url: safeUrl(data.joinUrl),
      promotion_code: data.promotionCode ?? "",
    },
  });
}

/**
 * The win-back as it is sent (pure: data in, message out; deliverability tests score it): the rendered email to
 * `to`, with the RFC 8058 one-click unsubscribe headers of marketing email.
 */
export function winBackMessage(data: WinBackData & { to: string }): Email.Message {
  const { to, ...rest } = data;
  return { to, ...winBack(rest), marketing: { unsubscribeUrl: data.unsubscribeUrl } };
}

export const preview: WinBackData = {
  outletName: "The Harbour Gazette",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
  name: "Ada",
  tierName: "Coffee",
  price: "€5 a month",
  endedOn: "3 November 2026",
  joinUrl: "https://news.example.org/join?tier=coffee&src=email%3Awinback&promo=COMEBACK",
  promotionCode: "COMEBACK",
  manageUrl: "https://news.example.org/preferences?token=preview-token",
  unsubscribeUrl: "https://news.example.org/unsubscribe?token=preview-token",
};
