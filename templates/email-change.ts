/**
 * A patron's change of address (made at Stripe): the confirm link, sent to the new address, and the notices sent
 * to the old one, when the change is asked for and when it took effect. Transactional: no unsubscribe link. The
 * notices name the new address only masked (`r***@example.com`): the old address may be read by someone else now.
 */
import confirmTemplate from "./compiled/email-change-confirm";
import noticeTemplate from "./compiled/email-change-notice";
import { safeUrl, type Rendered } from "./html";
import { renderMessage } from "./message";

export interface EmailChangeConfirmData {
  outletName: string;
  postalAddress: string;
  confirmUrl: string;
}

export interface EmailChangeNoticeData {
  outletName: string;
  postalAddress: string;
  /** The new address, masked (`r***@example.com`). */
  newAddress: string;
  /** Whether the change took effect (else it waits for its confirmation). */
  changed: boolean;
}

export function emailChangeConfirm(data: EmailChangeConfirmData): Rendered {
  const { outletName, postalAddress, confirmUrl } = data;
  return renderMessage(confirmTemplate, {
    outletName,
    postalAddress,
    subject: `Confirm your new address for ${outletName}`,
    preheader: "One click to make this address your membership's, valid for 7 days.",
    heading: "Confirm your new address",
    values: { confirm_url: safeUrl(confirmUrl) },
  });
}

export function emailChangeNotice(data: EmailChangeNoticeData): Rendered {
  const { outletName, postalAddress, newAddress, changed } = data;
  return renderMessage(noticeTemplate, {
    outletName,
    postalAddress,
    subject: changed ? `Your ${outletName} address was changed` : `Your ${outletName} address is being changed`,
    preheader: changed ? `Your membership's emails now go to ${newAddress}.` : `The new address, ${newAddress}, has been asked to confirm.`,
    heading: changed ? "Your address was changed" : "Your address is being changed",
    values: { new_address: newAddress, changed },
  });
}

const base = { outletName: "The Harbour Gazette", postalAddress: "1 Quay Street, Harbourtown HT1 2AB" };

/** By template name: the notice's preview is the first one (`changed: true` is the second). */
export const previews = {
  emailChangeConfirm: { ...base, confirmUrl: "https://news.example.org/email-change?token=preview-token" } satisfies EmailChangeConfirmData,
  emailChangeNotice: { ...base, newAddress: "r***@example.org", changed: false } satisfies EmailChangeNoticeData,
};
