/**
 * The dashboard's subscribers (`/editor/subscribers`): the search by address, the erase confirmation, the import's
 * upload and report, and the export. One subscriber's record is in `editor-subscriber-record.tsx`.
 */
import { EDITOR_SUBSCRIBERS_PAGE } from "../dashboard-paths";
import type * as Editors from "../../../core/editors";
import type { ImportReport } from "../../../core/subscribers/import";
import { t, tr } from "../language";
import { EditorLayout } from "./editor";
import { PausedLink } from "./editor-paused";

/** The subscribers' search page (`dashboard-paths.ts` keeps it, with the import's path under it). */
export const SUBSCRIBERS_PAGE = EDITOR_SUBSCRIBERS_PAGE;
/** A subscriber's record page: the address encoded, as every link and form here writes it. */
export const recordPath = (email: string) => `${SUBSCRIBERS_PAGE}/${encodeURIComponent(email)}`;

export type Account = { account: Editors.EditorAccount };
export const isAdmin = (account: Editors.EditorAccount) => account.role === "admin";
/** A time as the dashboard shows it, to the minute (UTC), in the page's language. */
export const time = (iso: string | undefined) =>
  iso
    ? tr().date(iso, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC", timeZoneName: "short" })
    : "";

/** A day (a date such as a gift's "2026-12-24", or an instant's day in UTC) as the page's language writes it. */
export const day = (at: string | undefined) => (at ? tr().date(at.length === 10 ? `${at}T00:00:00Z` : at, { dateStyle: "medium", timeZone: "UTC" }) : "");

/** `/editor/subscribers`: find one subscriber by their exact address; never a list of everyone. */
export function SearchPage(props: Account & { email?: string; problem?: string; notFound?: boolean; erased?: boolean }) {
  return (
    <EditorLayout title={t("editor-people.search.title")} account={props.account} path={SUBSCRIBERS_PAGE}>
      <h1>{t("editor-people.search.title")}</h1>
      {props.erased && (
        <p class="status" role="status">
          {t("editor-people.search.erased")}
        </p>
      )}
      <form method="get" action={SUBSCRIBERS_PAGE} role="search">
        <label for="email">{t("editor-people.search.email")}</label>
        <input
          type="email"
          id="email"
          name="email"
          required
          maxlength={254}
          value={props.email}
          aria-describedby={props.problem ? "email-problem" : "email-help"}
          aria-invalid={props.problem ? "true" : undefined}
        />
        <p class={props.problem ? "error" : "note"} id={props.problem ? "email-problem" : "email-help"}>
          {props.problem ?? t("editor-people.search.help")}
        </p>
        <p>
          <button type="submit">{t("editor-people.search.find")}</button>
        </p>
      </form>
      {props.notFound && (
        <p class="error" role="alert">
          {t("editor-people.search.notFound", { email: props.email ?? "" })}
        </p>
      )}
      <PausedLink />
      {isAdmin(props.account) && (
        <>
          <h2>{t("editor-people.search.wholeList")}</h2>
          <p>
            <a href={`${SUBSCRIBERS_PAGE}/import`}>{t("editor-people.search.import")}</a> ·{" "}
            <a href={`${SUBSCRIBERS_PAGE}/export`}>{t("editor-people.search.export")}</a>
          </p>
        </>
      )}
    </EditorLayout>
  );
}

/** `/editor/subscribers/{email}/erase`: the admin types the address again to confirm. */
export function ErasePage(props: Account & { email: string; problem?: string }) {
  return (
    <EditorLayout title={t("editor-people.erase.title")} account={props.account} path={SUBSCRIBERS_PAGE}>
      <h1>{t("editor-people.erase.heading", { email: props.email })}</h1>
      <p>{t("editor-people.erase.what")}</p>
      <form method="post" action={`${recordPath(props.email)}/erase`}>
        <label for="confirm">{t("editor-people.erase.confirm")}</label>
        <input
          type="email"
          id="confirm"
          name="confirm"
          required
          maxlength={254}
          autocomplete="off"
          aria-describedby="confirm-help"
          aria-invalid={props.problem ? "true" : undefined}
        />
        <p class={props.problem ? "error" : "note"} id="confirm-help">
          {props.problem ?? t("editor-people.erase.help")}
        </p>
        <p>
          <button type="submit">{t("editor-people.erase.submit")}</button>
        </p>
      </form>
      <p>
        <a href={recordPath(props.email)}>{t("editor-people.erase.keep")}</a>
      </p>
    </EditorLayout>
  );
}

/** `/editor/subscribers/import`: the upload form, and after a POST, what each line did. */
export function ImportPage(props: Account & { columns: readonly string[]; maxLines: number; report?: ImportReport }) {
  const report = props.report;
  return (
    <EditorLayout title={t("editor-people.import.title")} account={props.account} path={SUBSCRIBERS_PAGE}>
      <h1>{t("editor-people.import.title")}</h1>
      {report && (
        <>
          <p class="status" role="status">
            {t("editor-people.import.report", {
              imported: tr().number(report.imported),
              created: tr().number(report.created),
              updated: tr().number(report.updated),
              unchanged: tr().number(report.unchanged),
              skipped: tr().number(report.skipped),
              errors: tr().number(report.errors.length),
            })}
          </p>
          <ImportLines caption={t("editor-people.import.errors")} lines={report.errors} />
          <ImportLines caption={t("editor-people.import.skips")} lines={report.skips} />
        </>
      )}
      <p>
        {tr().rich("editor-people.import.help", {
          columns: props.columns.join(", "),
          max: tr().number(props.maxLines),
          code: (chunks) => <code>{chunks}</code>,
        })}
      </p>
      <form method="post" action={`${SUBSCRIBERS_PAGE}/import`} enctype="multipart/form-data">
        <label for="file">{t("editor-people.import.file")}</label>
        <input type="file" id="file" name="file" accept=".csv,text/csv" required />
        <p>
          <button type="submit">{t("editor-people.import.submit")}</button>
        </p>
      </form>
    </EditorLayout>
  );
}

/** Lines by number, as a list (a table's narrow number column wraps on a phone). */
function ImportLines(props: { caption: string; lines: ImportReport["errors"] }) {
  if (props.lines.length === 0) return null;
  return (
    <>
      <h2>{props.caption}</h2>
      <ul>
        {props.lines.map((line) => (
          <li>{t("editor-people.import.line", { line: line.line, message: line.message })}</li>
        ))}
      </ul>
    </>
  );
}

/** `/editor/subscribers/export`: the button, and after it, the file's link. */
export function ExportPage(props: Account & { file?: { url: string; expiresAt: string; rows?: number }; minutes: number }) {
  const file = props.file;
  const link = (chunks: unknown[]) => <a href={file?.url}>{chunks}</a>;
  return (
    <EditorLayout title={t("editor-people.export.title")} account={props.account} path={SUBSCRIBERS_PAGE}>
      <h1>{t("editor-people.export.title")}</h1>
      {file && (
        <p class="status" role="status">
          {file.rows === undefined
            ? tr().rich("editor-people.export.readyUncounted", { until: time(file.expiresAt), link })
            : tr().rich("editor-people.export.ready", { rows: file.rows, until: time(file.expiresAt), link })}
        </p>
      )}
      <p>{t("editor-people.export.help", { minutes: props.minutes })}</p>
      <form method="post" action={`${SUBSCRIBERS_PAGE}/export`}>
        <button type="submit">{t(file ? "editor-people.export.again" : "editor-people.export.submit")}</button>
      </form>
    </EditorLayout>
  );
}
