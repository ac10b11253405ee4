/**
 * The patron emails: welcome (a membership began, paid or granted), payment failed (a renewal could not be
 * paid; the grace period and the way to fix it) and lapsed (it ended). Transactional: no unsubscribe link, since
 * they are about a membership the reader holds, not marketing. Links go to the account page, where a signed-in
 * patron opens Stripe's billing portal (a portal session is short-lived and must not sit in an inbox).
 */
import * as I18n from "../core/i18n";
import failedTemplate from "./compiled/payment-failed";
import lapsedTemplate from "./compiled/patron-lapsed";
import welcomeTemplate from "./compiled/patron-welcome";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

/** What every email about a reader's membership is given (core/patrons/notify.ts `patronEmailData` makes it). */
export interface PatronEmailData {
  /** The patron's language; the default language when absent. */
  language?: string;
  outletName: string;
  postalAddress: string;
  name?: string;
  /** The tier's name, e.g. "Coffee". */
  tierName: string;
  /** The tier's price in words, in the patron's language, e.g. "€5 a month". */
  price: string;
  /** Where a signed-in patron manages their membership (`/account`). */
  accountUrl: string;
}

export interface PatronWelcomeData extends PatronEmailData {
  /** The renewal date in words (in the patron's language), for a paid membership. */
  renewsOn?: string;
  /** The end of a granted (comped) membership, in words. */
  compedUntil?: string;
}

export interface PaymentFailedData extends PatronEmailData {
  /** The end of the grace period in words, in the patron's language (its catalogue's words when unknown). */
  graceUntil?: string;
  /** The signed card-update link (`GET /billing/update`), the main button; without it, the account page is. */
  billingUrl?: string;
}

export type PatronLapsedData = PatronEmailData;

/** The template values every membership email shares. */
export const patronValues = (data: PatronEmailData) => ({
  name: data.name?.trim() ?? "",
  tier: data.tierName,
  price: data.price,
  account_url: safeUrl(data.accountUrl),
});

export function patronWelcome(data: PatronWelcomeData): Rendered {
  const { t } = I18n.translator(data.language);
  return renderMessage(welcomeTemplate, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("membership.email.welcome.subject", { outlet: data.outletName }),
    preheader: t("membership.email.welcome.preheader", { tier: data.tierName }),
    heading: t("membership.email.welcome.heading"),
    values: { ...patronValues(data), renews_on: data.renewsOn ?? "", comped_until: data.compedUntil ?? "" },
  });
}

export function paymentFailed(data: PaymentFailedData): Rendered {
  const { t } = I18n.translator(data.language);
  const graceUntil = data.graceUntil ?? t("membership.email.failed.endOfGrace");
  return renderMessage(failedTemplate, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("membership.email.failed.subject", { outlet: data.outletName }),
    preheader: t("membership.email.failed.preheader", { date: graceUntil }),
    heading: t("membership.email.failed.heading"),
    values: { ...patronValues(data), grace_until: graceUntil, billing_url: data.billingUrl ? safeUrl(data.billingUrl) : "" },
  });
}

export function patronLapsed(data: PatronLapsedData): Rendered {
  const { t } = I18n.translator(data.language);
  return renderMessage(lapsedTemplate, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("membership.email.lapsed.subject", { outlet: data.outletName }),
    preheader: t("membership.email.lapsed.preheader"),
    heading: t("membership.email.lapsed.heading"),
    values: patronValues(data),
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
  paymentFailed: {
    ...base,
    graceUntil: "7 December 2026",
    billingUrl: "https://news.example.org/billing/update?token=billing-update.sub_preview~cus_preview.0.preview.preview",
  } satisfies PaymentFailedData,
  patronLapsed: base satisfies PatronLapsedData,
};
