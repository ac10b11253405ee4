/**
 * The dashboard's subscribers (`/editor/subscribers`): the search by address, the erase confirmation, the import's
 * upload and report, and the export. One subscriber's record is in `editor-subscriber-record.tsx`.
 */
import { EDITOR_SUBSCRIBERS_PAGE } from "../dashboard-paths";
import type * as Editors from "../../../core/editors";
import type { ImportReport } from "../../../core/subscribers/import";
import { EditorLayout } from "./editor";

/** The subscribers' search page (`dashboard-paths.ts` keeps it, with the import's path under it). */
export const SUBSCRIBERS_PAGE = EDITOR_SUBSCRIBERS_PAGE;
/** A subscriber's record page: the address encoded, as every link and form here writes it. */
export const recordPath = (email: string) => `${SUBSCRIBERS_PAGE}/${encodeURIComponent(email)}`;

export type Account = { account: Editors.EditorAccount };
export const isAdmin = (account: Editors.EditorAccount) => account.role === "admin";
/** A time as the dashboard shows it, to the minute (UTC). */
export const time = (iso: string | undefined) => (iso ? `${iso.replace("T", " ").slice(0, 16)} UTC` : "");

/** `/editor/subscribers`: find one subscriber by their exact address; never a list of everyone. */
export function SearchPage(props: Account & { email?: string; problem?: string; notFound?: boolean; erased?: boolean }) {
  return (
    <EditorLayout title="Subscribers" account={props.account} path={SUBSCRIBERS_PAGE}>
      <h1>Subscribers</h1>
      {props.erased && (
        <p class="status" role="status">
          The subscriber was erased: their personal data is gone, and no email will reach them.
        </p>
      )}
      <form method="get" action={SUBSCRIBERS_PAGE} role="search">
        <label for="email">Email address</label>
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
          {props.problem ?? "The whole address, in any case: the dashboard finds one subscriber, it does not list them."}
        </p>
        <p>
          <button type="submit">Find</button>
        </p>
      </form>
      {props.notFound && (
        <p class="error" role="alert">
          No subscriber has the address {props.email}.
        </p>
      )}
      {isAdmin(props.account) && (
        <>
          <h2>The whole list</h2>
          <p>
            <a href={`${SUBSCRIBERS_PAGE}/import`}>Import subscribers from a CSV file</a> ·{" "}
            <a href={`${SUBSCRIBERS_PAGE}/export`}>Export the list as CSV</a>
          </p>
        </>
      )}
    </EditorLayout>
  );
}

/** `/editor/subscribers/{email}/erase`: the admin types the address again to confirm. */
export function ErasePage(props: Account & { email: string; problem?: string }) {
  return (
    <EditorLayout title="Erase a subscriber" account={props.account} path={SUBSCRIBERS_PAGE}>
      <h1>Erase {props.email}?</h1>
      <p>
        This deletes their address, name, preferences, consent record and membership record, cancels a paid membership
        at Stripe, and stops all email at once. Their deliveries, votes and contributions stay only as anonymous counts.
        It cannot be undone.
      </p>
      <form method="post" action={`${recordPath(props.email)}/erase`}>
        <label for="confirm">Type the address to confirm</label>
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
          {props.problem ?? "The same address as above, in any case."}
        </p>
        <p>
          <button type="submit">Erase for good</button>
        </p>
      </form>
      <p>
        <a href={recordPath(props.email)}>Keep them: back to the record</a>
      </p>
    </EditorLayout>
  );
}

/** `/editor/subscribers/import`: the upload form, and after a POST, what each line did. */
export function ImportPage(props: Account & { columns: readonly string[]; maxLines: number; report?: ImportReport }) {
  const report = props.report;
  return (
    <EditorLayout title="Import subscribers" account={props.account} path={SUBSCRIBERS_PAGE}>
      <h1>Import subscribers</h1>
      {report && (
        <>
          <p class="status" role="status">
            {report.imported} imported ({report.created} new, {report.updated} updated, {report.unchanged} unchanged),{" "}
            {report.skipped} skipped, {report.errors.length} with errors.
          </p>
          <ImportLines caption="Lines with errors (not imported)" lines={report.errors} />
          <ImportLines caption="Lines skipped" lines={report.skips} />
        </>
      )}
      <p>
        A CSV file (UTF-8) with a header naming its columns: {props.columns.join(", ")}. <code>email</code> and{" "}
        <code>consented_at</code> are needed. Each good line makes an active subscriber with that consent (source{" "}
        <code>import</code>), without sending any email; bad lines are reported by number and the rest imported. At
        most {props.maxLines.toLocaleString("en-GB")} lines. Importing the same file again changes nothing.
      </p>
      <form method="post" action={`${SUBSCRIBERS_PAGE}/import`} enctype="multipart/form-data">
        <label for="file">CSV file</label>
        <input type="file" id="file" name="file" accept=".csv,text/csv" required />
        <p>
          <button type="submit">Import</button>
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
          <li>
            Line {line.line}: {line.message}
          </li>
        ))}
      </ul>
    </>
  );
}

/** `/editor/subscribers/export`: the button, and after it, the file's link. */
export function ExportPage(props: Account & { file?: { url: string; expiresAt: string; rows?: number }; minutes: number }) {
  return (
    <EditorLayout title="Export subscribers" account={props.account} path={SUBSCRIBERS_PAGE}>
      <h1>Export subscribers</h1>
      {props.file && (
        <p class="status" role="status">
          The file is ready{props.file.rows === undefined ? "" : ` (${props.file.rows} subscribers)`}:{" "}
          <a href={props.file.url}>download the CSV</a>. The link works until {time(props.file.expiresAt)}; anyone who has
          it can download the file.
        </p>
      )}
      <p>
        Every subscriber, whatever their status, as CSV: a file that imports back as it is. The download link works for{" "}
        {props.minutes} minutes.
      </p>
      <form method="post" action={`${SUBSCRIBERS_PAGE}/export`}>
        <button type="submit">{props.file ? "Export again" : "Export"}</button>
      </form>
    </EditorLayout>
  );
}
