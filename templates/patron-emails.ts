/**
 * The patron emails: welcome (a membership began, paid or granted), payment failed (a renewal could not be
 * paid; the grace period and the way to fix it) and lapsed (it ended). Transactional: no unsubscribe link, since
 * they are about a membership the reader holds, not marketing. Links go to the account page, where a signed-in
 * patron opens Stripe's billing portal (a portal session is short-lived and must not sit in an inbox).
 */
import failedTemplate from "./compiled/payment-failed";
import lapsedTemplate from "./compiled/patron-lapsed";
import welcomeTemplate from "./compiled/patron-welcome";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

interface PatronEmailData {
  outletName: string;
  postalAddress: string;
  name?: string;
  /** The tier's name, e.g. "Coffee". */
  tierName: string;
  /** The tier's price in words, e.g. "€5 a month". */
  price: string;
  /** Where a signed-in patron manages their membership (`/account`). */
  accountUrl: string;
}

export interface PatronWelcomeData extends PatronEmailData {
  /** The renewal date in words, for a paid membership. */
  renewsOn?: string;
  /** The end of a granted (comped) membership, in words. */
  compedUntil?: string;
}

export interface PaymentFailedData extends PatronEmailData {
  /** The end of the grace period in words. */
  graceUntil: string;
}

export type PatronLapsedData = PatronEmailData;

const common = (data: PatronEmailData) => ({
  name: data.name?.trim() ?? "",
  tier: data.tierName,
  price: data.price,
  account_url: safeUrl(data.accountUrl),
});

export function patronWelcome(data: PatronWelcomeData): Rendered {
  return renderMessage(welcomeTemplate, {
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: `Welcome, patron of ${data.outletName}`,
    preheader: `Your ${data.tierName} membership has begun: thank you.`,
    heading: "Thank you for becoming a patron",
    values: { ...common(data), renews_on: data.renewsOn ?? "", comped_until: data.compedUntil ?? "" },
  });
}

export function paymentFailed(data: PaymentFailedData): Rendered {
  return renderMessage(failedTemplate, {
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: `Your ${data.outletName} payment didn't go through`,
    preheader: `Your membership continues until ${data.graceUntil}: update your payment method to keep it.`,
    heading: "Your payment didn't go through",
    values: { ...common(data), grace_until: data.graceUntil },
  });
}

export function patronLapsed(data: PatronLapsedData): Rendered {
  return renderMessage(lapsedTemplate, {
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: `Your ${data.outletName} membership has ended`,
    preheader: "Thank you for your support. You can rejoin at any time.",
    heading: "Your membership has ended",
    values: common(data),
  });
}

const base: PatronEmailData = {
  outletName: "The Harbour Gazette",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
  name: "Ada",
  tierName: "Coffee",
  price: "€5 a month",
  accountUrl: "https://news.example.org/account",
};

export const previews = {
  patronWelcome: { ...base, renewsOn: "31 December 2026" } satisfies PatronWelcomeData,
  paymentFailed: { ...base, graceUntil: "7 December 2026" } satisfies PaymentFailedData,
  patronLapsed: base satisfies PatronLapsedData,
};
