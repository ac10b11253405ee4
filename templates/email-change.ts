/**
 * A patron's change of address (made at Stripe): the confirm link, sent to the new address, and the notices sent
 * to the old one, when the change is asked for and when it took effect. Transactional: no unsubscribe link. The
 * notices name the new address only masked (`r***@example.com`): the old address may be read by someone else now.
 * All in the subscriber's language.
 */
import * as I18n from "../core/i18n";
import confirmTemplate from "./compiled/email-change-confirm";
import noticeTemplate from "./compiled/email-change-notice";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface EmailChangeConfirmData {
  /** The subscriber's language; the default language when absent. */
  language?: string;
  outletName: string;
  postalAddress: string;
  confirmUrl: string;
}

export interface EmailChangeNoticeData {
  /** The subscriber's language; the default language when absent. */
  language?: string;
  outletName: string;
  postalAddress: string;
  /** The new address, masked (`r***@example.com`). */
  newAddress: string;
  /** Whether the change took effect (else it waits for its confirmation). */
  changed: boolean;
}

export function emailChangeConfirm(data: EmailChangeConfirmData): Rendered {
  const { language, outletName, postalAddress, confirmUrl } = data;
  const { t } = I18n.translator(language);
  return renderMessage(confirmTemplate, {
    language,
    outletName,
    postalAddress,
    subject: t("account.email.confirm.subject", { outlet: outletName }),
    preheader: t("account.email.confirm.preheader"),
    heading: t("account.email.confirm.heading"),
    values: { confirm_url: safeUrl(confirmUrl) },
  });
}

export function emailChangeNotice(data: EmailChangeNoticeData): Rendered {
  const { language, outletName, postalAddress, newAddress, changed } = data;
  const { t } = I18n.translator(language);
  return renderMessage(noticeTemplate, {
    language,
    outletName,
    postalAddress,
    subject: changed ? t("account.email.notice.changedSubject", { outlet: outletName }) : t("account.email.notice.changingSubject", { outlet: outletName }),
    preheader: changed
      ? t("account.email.notice.changedPreheader", { address: newAddress })
      : t("account.email.notice.changingPreheader", { address: newAddress }),
    heading: changed ? t("account.email.notice.changedHeading") : t("account.email.notice.changingHeading"),
    values: { new_address: newAddress, changed },
  });
}

const base = { outletName: "The Harbour Gazette", postalAddress: "1 Quay Street, Harbourtown HT1 2AB" };

/** By template name: the notice's preview is the first one (`changed: true` is the second). */
export const previews = {
  emailChangeConfirm: { ...base, confirmUrl: "https://news.example.org/email-change?token=preview-token" } satisfies EmailChangeConfirmData,
  emailChangeNotice: { ...base, newAddress: "r***@example.org", changed: false } satisfies EmailChangeNoticeData,
};
