/**
 * The card-update link's page (`GET /billing/update`) when it opens nothing: why, in the reader's language, and the
 * way that always works (signing in to `/account`, whose "Manage billing" opens the same portal).
 */
import type { MessageKey } from "../../../core/i18n";
import type { RefusalCode } from "../../../core/patrons/billing-link";
import { t } from "../language";
import { MessagePage } from "./layout";

const PAGES: Record<RefusalCode, { title: MessageKey; body: MessageKey; signIn: boolean }> = {
  invalid_token: { title: "billing.link.invalid.title", body: "billing.link.invalid.body", signIn: true },
  expired_token: { title: "billing.link.expired.title", body: "billing.link.expired.body", signIn: true },
  gone: { title: "billing.link.gone.title", body: "billing.link.gone.body", signIn: false },
  not_theirs: { title: "billing.link.gone.title", body: "billing.link.not-theirs.body", signIn: true },
  rate_limited: { title: "billing.link.limited.title", body: "billing.link.limited.body", signIn: false },
  stripe_unavailable: { title: "billing.link.unavailable.title", body: "billing.link.unavailable.body", signIn: true },
  stripe_not_configured: { title: "billing.link.unavailable.title", body: "billing.link.unavailable.body", signIn: false },
};

export const isRefusalCode = (code: string): code is RefusalCode => code in PAGES;

export function BillingLinkPage(props: { code: RefusalCode }) {
  const page = PAGES[props.code];
  return (
    <MessagePage title={t(page.title)}>
      <p>{t(page.body)}</p>
      {page.signIn && (
        <p>
          <a href="/account">{t("billing.link.signin")}</a>
        </p>
      )}
    </MessagePage>
  );
}
