/**
 * The dashboard's pages (`/editor`): its layout (wide, its own navigation, a sign-out button), signing in, and the
 * audit log. Server-rendered like the reader pages; they work without JavaScript.
 */
import type { Child } from "hono/jsx";
import type * as Editors from "../../../core/editors";
import { Layout, MessagePage, type NavLink } from "./layout";

/** The dashboard's sections, in the header of every page; admins also see the audit log. */
function navFor(account: Editors.EditorAccount, current: string): NavLink[] {
  const links: NavLink[] = [{ href: "/editor", label: "Overview" }];
  links.push({ href: "/editor/digests", label: "Digests" });
  links.push({ href: "/editor/subscribers", label: "Subscribers" });
  links.push({ href: "/editor/topics", label: "Topics" });
  links.push({ href: "/editor/gifts", label: "Gifts and comps" });
  if (account.role === "admin") links.push({ href: "/editor/audit", label: "Audit log" });
  return links.map((link) => ({ ...link, current: link.href === current }));
}

/** A dashboard page: `path` is the section it belongs to (marked current in the navigation). */
export function EditorLayout(props: { title: string; account: Editors.EditorAccount; path: string; children: Child }) {
  const signOut = (
    <form method="post" action="/editor/logout">
      <button type="submit" class="link">
        Sign out
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
    <MessagePage title="Sign in to the dashboard">
      <p>Enter your newsroom address. If it is an editor's, we'll email you a link that signs you in for the day.</p>
      <form method="post" action="/editor/login">
        <label for="email">Email address</label>
        <input type="email" id="email" name="email" required maxlength={254} autocomplete="email" />
        <p>
          <button type="submit">Email me a sign-in link</button>
        </p>
      </form>
    </MessagePage>
  );
}

/** The answer to the form above, whatever the address. */
export function EditorLinkSentPage() {
  return (
    <MessagePage title="Check your email">
      <p>If this address is an editor's, a sign-in link is on its way. It works once, for 15 minutes.</p>
      <p class="note">
        Nothing arrived? Look in your spam folder, <a href="/editor/login">ask again</a>, or ask whoever runs Tidings
        to add your address to <code>EDITORS</code>.
      </p>
    </MessagePage>
  );
}

/** `/editor/signin?token=…`: a button that POSTs (opening a link never signs anyone in). */
export function EditorSignInPage(props: { token: string; email: string }) {
  return (
    <MessagePage title="Sign in to the dashboard">
      <p>Press the button to sign in as {props.email} on this device.</p>
      <form method="post" action="/editor/signin">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">Sign me in</button>
      </form>
    </MessagePage>
  );
}

/** `/editor/audit`: a month of editors' actions, newest first. */
export function AuditPage(props: {
  account: Editors.EditorAccount;
  month: string;
  entries: Editors.Audit.AuditEntry[];
  next?: string;
  months: string[];
}) {
  return (
    <EditorLayout title="Audit log" account={props.account} path="/editor/audit">
      <h1>Audit log</h1>
      <p class="note">Every editor action, from the dashboard and from API tokens. People appear only as keyed hashes.</p>
      <form method="get" action="/editor/audit">
        <label for="month">Month</label>
        <select id="month" name="month">
          {props.months.map((month) => (
            <option value={month} selected={month === props.month}>
              {month}
            </option>
          ))}
        </select>
        <p>
          <button type="submit" class="secondary">
            Show
          </button>
        </p>
      </form>
      {props.entries.length === 0 ? (
        <p>Nothing was done in {props.month}{props.next === undefined ? "" : " before this point"}.</p>
      ) : (
        <div class="scroll">
          <table>
            <caption>Actions in {props.month}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">On what</th>
                <th scope="col" class="num">
                  Answer
                </th>
              </tr>
            </thead>
            <tbody>
              {props.entries.map((entry) => (
                <tr>
                  <td>{entry.at.replace("T", " ").slice(0, 19)}</td>
                  <td>
                    {entry.who}
                    {entry.via === "token" ? " (API token)" : ""}
                  </td>
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
          <a href={`/editor/audit?month=${props.month}&before=${encodeURIComponent(props.next)}`}>Older actions</a>
        </p>
      )}
    </EditorLayout>
  );
}
