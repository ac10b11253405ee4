/**
 * A gift's emails, both transactional and to its recipient: the redeem link on the delivery date (the buyer's
 * message escaped, as everything interpolated), and the invitation to continue a week before the gift ends.
 */
import * as I18n from "../core/i18n";
import invitationTemplate from "./compiled/gift-invitation";
import redeemTemplate from "./compiled/gift-redeem";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface GiftRedeemData {
  /** The recipient's language (theirs as a subscriber, else the buyer's); the default language when absent. */
  language?: string;
  outletName: string;
  postalAddress: string;
  name?: string;
  tierName: string;
  /** "3 months" ("3 місяці"), in `language`. */
  months: string;
  message?: string;
  redeemUrl: string;
}

export function giftRedeem(data: GiftRedeemData): Rendered {
  const { t } = I18n.translator(data.language);
  return renderMessage(redeemTemplate, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("gifts.email.redeem.subject", { outlet: data.outletName }),
    preheader: t("gifts.email.redeem.preheader", { months: data.months, tier: data.tierName }),
    heading: t("gifts.email.redeem.heading"),
    values: { name: data.name?.trim() ?? "", tier: data.tierName, months: data.months, message: data.message ?? "", redeem_url: safeUrl(data.redeemUrl) },
  });
}

export interface GiftInvitationData {
  /** The recipient's language; the default language when absent. */
  language?: string;
  outletName: string;
  postalAddress: string;
  name?: string;
  tierName: string;
  /** The end in words, in `language`, e.g. "5 March 2027" ("5 березня 2027 р."). */
  endsOn: string;
  joinUrl: string;
}

export function giftInvitation(data: GiftInvitationData): Rendered {
  const { t } = I18n.translator(data.language);
  return renderMessage(invitationTemplate, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("gifts.email.invitation.subject", { outlet: data.outletName, date: data.endsOn }),
    preheader: t("gifts.email.invitation.preheader"),
    heading: t("gifts.email.invitation.heading"),
    values: { name: data.name?.trim() ?? "", tier: data.tierName, ends_on: data.endsOn, join_url: safeUrl(data.joinUrl) },
  });
}

export const previews = {
  giftRedeem: {
    outletName: "The Harbour Gazette",
    postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
    name: "Olena",
    tierName: "Coffee",
    months: "3 months",
    message: "Happy birthday! <3",
    redeemUrl: "https://news.example.org/gift?token=gift.preview",
  } satisfies GiftRedeemData,
  giftInvitation: {
    outletName: "The Harbour Gazette",
    postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
    tierName: "Coffee",
    endsOn: "5 March 2027",
    joinUrl: "https://news.example.org/join?tier=coffee",
  } satisfies GiftInvitationData,
};
