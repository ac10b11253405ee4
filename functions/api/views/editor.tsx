/**
 * The dashboard's pages (`/editor`): its layout (wide, its own navigation, a sign-out button), signing in, and the
 * audit log. Server-rendered like the reader pages; they work without JavaScript.
 */
import type { Child } from "hono/jsx";
import type * as Editors from "../../../core/editors";
import { t, tr } from "../language";
import { Layout, MessagePage, type NavLink } from "./layout";

/** The dashboard's sections, in the header of every page; admins also see the audit log. */
function navFor(account: Editors.EditorAccount, current: string): NavLink[] {
  const links: NavLink[] = [{ href: "/editor", label: t("editor.nav.overview") }];
  links.push({ href: "/editor/digests", label: t("editor.nav.digests") });
  links.push({ href: "/editor/subscribers", label: t("editor.nav.subscribers") });
  links.push({ href: "/editor/topics", label: t("editor.nav.topics") });
  links.push({ href: "/editor/gifts", label: t("editor.nav.gifts") });
  links.push({ href: "/editor/retention", label: t("retention.nav") });
  if (account.role === "admin") links.push({ href: "/editor/audit", label: t("editor.nav.audit") });
  return links.map((link) => ({ ...link, current: link.href === current }));
}

/** A dashboard page: `path` is the section it belongs to (marked current in the navigation). */
export function EditorLayout(props: { title: string; account: Editors.EditorAccount; path: string; children: Child }) {
  const signOut = (
    <form method="post" action="/editor/logout">
      <button type="submit" class="link">
        {t("editor.signOut")}
      </button>
    </form>
  );
  return (
    <Layout title={props.title} wide nav={navFor(props.account, props.path)} actions={signOut} home="/editor">
      {props.children}
    </Layout>
  );
}

/** `/editor/login`: ask for a sign-in link. */
export function EditorLoginPage() {
  return (
    <MessagePage title={t("editor.login.title")}>
      <p>{t("editor.login.intro")}</p>
      <form method="post" action="/editor/login">
        <label for="email">{t("editor.login.email")}</label>
        <input type="email" id="email" name="email" required maxlength={254} autocomplete="email" />
        <p>
          <button type="submit">{t("editor.login.submit")}</button>
        </p>
      </form>
    </MessagePage>
  );
}

/** The answer to the form above, whatever the address. */
export function EditorLinkSentPage() {
  return (
    <MessagePage title={t("editor.linkSent.title")}>
      <p>{t("editor.linkSent.body")}</p>
      <p class="note">
        {tr().rich("editor.linkSent.note", {
          link: (chunks) => <a href="/editor/login">{chunks}</a>,
          code: (chunks) => <code>{chunks}</code>,
        })}
      </p>
    </MessagePage>
  );
}

/** `/editor/signin?token=…`: a button that POSTs (opening a link never signs anyone in). */
export function EditorSignInPage(props: { token: string; email: string }) {
  return (
    <MessagePage title={t("editor.login.title")}>
      <p>{t("editor.signin.body", { email: props.email })}</p>
      <form method="post" action="/editor/signin">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">{t("editor.signin.submit")}</button>
      </form>
    </MessagePage>
  );
}

/** "December 2026" for `2026-12` (the log's months are UTC). */
const monthName = (month: string) => tr().date(`${month}-01T00:00:00Z`, { month: "long", year: "numeric", timeZone: "UTC" });

/** `/editor/audit`: a month of editors' actions, newest first. */
export function AuditPage(props: {
  account: Editors.EditorAccount;
  month: string;
  entries: Editors.Audit.AuditEntry[];
  next?: string;
  months: string[];
}) {
  const month = monthName(props.month);
  return (
    <EditorLayout title={t("editor.audit.title")} account={props.account} path="/editor/audit">
      <h1>{t("editor.audit.title")}</h1>
      <p class="note">{t("editor.audit.note")}</p>
      <form method="get" action="/editor/audit">
        <label for="month">{t("editor.audit.month")}</label>
        <select id="month" name="month">
          {props.months.map((month) => (
            <option value={month} selected={month === props.month}>
              {monthName(month)}
            </option>
          ))}
        </select>
        <p>
          <button type="submit" class="secondary">
            {t("editor.audit.show")}
          </button>
        </p>
      </form>
      {props.entries.length === 0 ? (
        <p>{t("editor.audit.empty", { month, before: props.next === undefined ? "no" : "yes" })}</p>
      ) : (
        <div class="scroll">
          <table>
            <caption>{t("editor.audit.caption", { month })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("editor.audit.column.when")}</th>
                <th scope="col">{t("editor.audit.column.who")}</th>
                <th scope="col">{t("editor.audit.column.what")}</th>
                <th scope="col">{t("editor.audit.column.target")}</th>
                <th scope="col" class="num">
                  {t("editor.audit.column.answer")}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.entries.map((entry) => (
                <tr>
                  {/* As the log keeps it (ISO, UTC): sortable at a glance, the same in every language. */}
                  <td>{entry.at.replace("T", " ").slice(0, 19)}</td>
                  <td>{entry.via === "token" ? t("editor.audit.viaToken", { who: entry.who }) : entry.who}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>{entry.target ?? ""}</td>
                  <td class="num">{entry.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.next && (
        <p>
          <a href={`/editor/audit?month=${props.month}&before=${encodeURIComponent(props.next)}`}>{t("editor.audit.older")}</a>
        </p>
      )}
    </EditorLayout>
  );
}
