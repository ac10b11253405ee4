/**
 * A gift's emails, both transactional and to its recipient: the redeem link on the delivery date (the buyer's
 * message escaped, as everything interpolated), and the invitation to continue a week before the gift ends.
 */
import invitationTemplate from "./compiled/gift-invitation";
import redeemTemplate from "./compiled/gift-redeem";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface GiftRedeemData {
  outletName: string;
  postalAddress: string;
  name?: string;
  tierName: string;
  /** "3 months". */
  months: string;
  message?: string;
  redeemUrl: string;
}

export function giftRedeem(data: GiftRedeemData): Rendered {
  return renderMessage(redeemTemplate, {
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: `A gift for you: a membership of ${data.outletName}`,
    preheader: `${data.months} of ${data.tierName}, to redeem with one click.`,
    heading: "You've been given a membership",
    values: { name: data.name?.trim() ?? "", tier: data.tierName, months: data.months, message: data.message ?? "", redeem_url: safeUrl(data.redeemUrl) },
  });
}

export interface GiftInvitationData {
  outletName: string;
  postalAddress: string;
  name?: string;
  tierName: string;
  /** The end in words, e.g. "5 March 2027". */
  endsOn: string;
  joinUrl: string;
}

export function giftInvitation(data: GiftInvitationData): Rendered {
  return renderMessage(invitationTemplate, {
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: `Your gift membership of ${data.outletName} ends on ${data.endsOn}`,
    preheader: "Continue as a patron, if you'd like to.",
    heading: "Your gift membership ends soon",
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
