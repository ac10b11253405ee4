/**
 * The billing emails beside the payment-failed one (`patron-emails.ts`): the reminder a few days before a grace
 * period ends, and the warning that the card paying a running membership expires before its renewal. Transactional
 * (about a membership the reader holds): no unsubscribe link. Their main button is the signed card-update link
 * (`GET /billing/update`), which opens Stripe's Billing Portal on the card update without signing in; the account
 * page is the second way.
 */
import * as I18n from "../core/i18n";
import cardExpiringTemplate from "./compiled/card-expiring";
import reminderTemplate from "./compiled/payment-reminder";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";
import { patronValues, type PatronEmailData } from "./patron-emails";

interface BillingEmailData extends PatronEmailData {
  /** The signed card-update link. */
  billingUrl: string;
}

export interface PaymentReminderData extends BillingEmailData {
  /** When benefits end (the grace period's end), in words in the patron's language. */
  graceUntil: string;
}

export interface CardExpiringData extends BillingEmailData {
  /** The card's brand as shown ("Visa"), and its last four digits. */
  brand: string;
  last4: string;
  /** The month it expires, in words ("August 2030"). */
  expiry: string;
  /** The renewal it would fail, in words; absent when not known. */
  renewsOn?: string;
}

const common = (data: BillingEmailData) => ({ ...patronValues(data), billing_url: safeUrl(data.billingUrl) });

export function paymentReminder(data: PaymentReminderData): Rendered {
  const { t } = I18n.translator(data.language);
  return renderMessage(reminderTemplate, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("billing.email.reminder.subject", { outlet: data.outletName, date: data.graceUntil }),
    preheader: t("billing.email.reminder.preheader", { date: data.graceUntil }),
    heading: t("billing.email.reminder.heading"),
    values: { ...common(data), grace_until: data.graceUntil },
  });
}

export function cardExpiring(data: CardExpiringData): Rendered {
  const { t } = I18n.translator(data.language);
  return renderMessage(cardExpiringTemplate, {
    language: data.language,
    outletName: data.outletName,
    postalAddress: data.postalAddress,
    subject: t("billing.email.card.subject", { outlet: data.outletName }),
    preheader: t("billing.email.card.preheader", { last4: data.last4, expiry: data.expiry }),
    heading: t("billing.email.card.heading"),
    values: { ...common(data), brand: data.brand, last4: data.last4, expiry: data.expiry, renews_on: data.renewsOn ?? "" },
  });
}

const base: BillingEmailData = {
  outletName: "The Harbour Gazette",
  postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
  name: "Ada",
  tierName: "Coffee",
  price: "€5 a month",
  billingUrl: "https://news.example.org/billing/update?token=billing-update.sub_preview~cus_preview.0.preview.preview",
  accountUrl: "https://news.example.org/account",
};

export const previews = {
  paymentReminder: { ...base, graceUntil: "7 December 2026" } satisfies PaymentReminderData,
  cardExpiring: { ...base, brand: "Visa", last4: "4242", expiry: "December 2026", renewsOn: "3 January 2027" } satisfies CardExpiringData,
};
