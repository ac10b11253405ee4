/** The sign-in pages. The link's page only shows a button that POSTs: opening a link never signs anyone in. */
import { t, tr } from "../language";
import { MessagePage } from "./layout";

/** `/login` without a link: ask for one by email. */
export function SignInRequestPage() {
  return (
    <MessagePage title={t("signin.request.title")}>
      <p>{t("signin.request.intro")}</p>
      <form method="post" action="/api/login">
        <label for="email">{t("signin.request.email")}</label>
        <input type="email" id="email" name="email" required maxlength={254} autocomplete="email" />
        <p>
          <button type="submit">{t("signin.request.submit")}</button>
        </p>
      </form>
    </MessagePage>
  );
}

/** The answer to the form above, whatever the address: it must not tell who is subscribed. */
export function LinkSentPage() {
  return (
    <MessagePage title={t("signin.sent.title")}>
      <p>{t("signin.sent.body")}</p>
      <p class="note">{tr().rich("signin.sent.again", { link: (chunks) => <a href="/login">{chunks}</a> })}</p>
    </MessagePage>
  );
}

/** `/login?token=…`, the page a sign-in link opens. */
export function SignInPage(props: { token: string }) {
  return (
    <MessagePage title={t("signin.link.title")}>
      <p>{t("signin.link.body")}</p>
      <form method="post" action="/login">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">{t("signin.link.submit")}</button>
      </form>
      <p class="note">{t("signin.link.note")}</p>
    </MessagePage>
  );
}
