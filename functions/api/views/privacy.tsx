/**
 * The account page's privacy section ("Download your data", "Erase your data") and the page shown once erased.
 * The erase form POSTs (never a GET: link scanners) and asks for an explicit tick, since it cannot be undone.
 * Every word comes from the `privacy` catalogue, in the page's language.
 */
import { t, tr } from "../language";
import { MessagePage } from "./layout";

export const EXPORT_PATH = "/api/account/export";
export const ERASE_FORM_PATH = "/account/delete";

export function PrivacySection(props: { patron: boolean }) {
  return (
    <section>
      <h2>{t("privacy.section.heading")}</h2>
      <p>
        {tr().rich("privacy.section.download", {
          link: (chunks) => (
            <a href={EXPORT_PATH} download="your-data.json">
              {chunks}
            </a>
          ),
        })}
      </p>
      <h3>{t("privacy.section.erase")}</h3>
      <p>{t("privacy.section.eraseText")}</p>
      {props.patron && <p class="error">{t("privacy.section.patron")}</p>}
      <p>{tr().rich("privacy.section.undone", { strong: (chunks) => <strong>{chunks}</strong> })}</p>
      <form method="post" action={ERASE_FORM_PATH}>
        <div class="check">
          <input type="checkbox" id="erase-confirm" name="confirm" value="yes" required />{" "}
          <label for="erase-confirm">{t("privacy.section.confirm")}</label>
        </div>
        <p>
          <button type="submit" class="secondary">
            {t("privacy.section.submit")}
          </button>
        </p>
      </form>
    </section>
  );
}

export function ErasedPage() {
  return (
    <MessagePage title={t("privacy.erased.title")}>
      <p class="status">{t("privacy.erased.text")}</p>
      <p>{tr().rich("privacy.erased.again", { link: (chunks) => <a href="/">{chunks}</a> })}</p>
    </MessagePage>
  );
}
