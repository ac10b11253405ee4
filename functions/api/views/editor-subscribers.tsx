/**
 * The dashboard's subscribers (`/editor/subscribers`): the search by address, one subscriber's record (with an
 * admin's comp and erase forms), the erase confirmation, the import's upload and report, and the export.
 */
import type * as Editors from "../../../core/editors";
import type { Tier } from "../../../core/config/tiers";
import type { ImportReport } from "../../../core/subscribers/import";
import type { SubscriberRecord } from "../../../core/subscribers/record";
import { EditorLayout } from "./editor";

export const SUBSCRIBERS_PAGE = "/editor/subscribers";
/** A subscriber's record page: the address encoded, as every link and form here writes it. */
export const recordPath = (email: string) => `${SUBSCRIBERS_PAGE}/${encodeURIComponent(email)}`;

type Account = { account: Editors.EditorAccount };
const isAdmin = (account: Editors.EditorAccount) => account.role === "admin";
const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : "");
const time = (iso: string | undefined) => (iso ? `${iso.replace("T", " ").slice(0, 16)} UTC` : "");
const money = (minor: number, currency: string) =>
  new Intl.NumberFormat("en-GB", { style: "currency", currency: currency.toUpperCase() }).format(minor / 100);

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

function Row(props: { name: string; value: unknown }) {
  if (props.value === undefined || props.value === "") return null;
  return (
    <tr>
      <th scope="row">{props.name}</th>
      <td>{String(props.value)}</td>
    </tr>
  );
}

/** `/editor/subscribers/{email}`: one subscriber's record, and (admins) a comp and erasure. */
export function RecordPage(props: Account & { record: SubscriberRecord; tiers: Tier[]; done?: "comp" }) {
  const { subscriber, deliveries, votes, contributions, gifts } = props.record;
  const { patron, consent } = subscriber;
  const tierName = (id: string) => props.tiers.find((tier) => tier.id === id)?.name ?? id;
  return (
    <EditorLayout title={subscriber.email} account={props.account} path={SUBSCRIBERS_PAGE}>
      <p>
        <a href={SUBSCRIBERS_PAGE}>Find another subscriber</a>
      </p>
      <h1>{subscriber.email}</h1>
      {props.done === "comp" && (
        <p class="status" role="status">
          The membership is granted.
        </p>
      )}
      <div class="scroll">
        <table>
          <caption>Subscription</caption>
          <tbody>
            <Row name="Status" value={subscriber.status} />
            <Row name="Name" value={subscriber.name} />
            <Row name="How often" value={subscriber.frequency} />
            <Row name="Topics" value={subscriber.topics.length ? subscriber.topics.join(", ") : "every topic"} />
            <Row name="Paused until" value={subscriber.pausedUntil} />
            <Row name="Signed up" value={time(subscriber.createdAt)} />
            <Row name="Confirmed" value={time(subscriber.confirmedAt)} />
            <Row name="Unsubscribed" value={time(subscriber.unsubscribedAt)} />
            <Row name="Suppressed" value={subscriber.suppressedAt && `${time(subscriber.suppressedAt)}: ${subscriber.suppressedReason ?? ""}`} />
          </tbody>
        </table>
      </div>
      <h2>Consent</h2>
      {consent ? (
        <div class="scroll">
          <table>
            <caption>The consent record</caption>
            <tbody>
              <Row name="Source" value={consent.source} />
              <Row name="Asked" value={time(consent.requestedAt)} />
              <Row name="Confirmed" value={consent.confirmedAt ? time(consent.confirmedAt) : "not by a link (an import or open opt-in)"} />
              <Row name="Consent text" value={consent.textVersion} />
              <Row name="Imported" value={consent.importedAt && `${time(consent.importedAt)} by ${consent.importedBy ?? "?"}`} />
              <Row name="Network" value={consent.ipHash ? "recorded (as a keyed hash)" : undefined} />
              <Row name="Browser" value={consent.userAgent} />
            </tbody>
          </table>
        </div>
      ) : (
        <p>No confirmed consent yet: the sign-up waits for its confirmation.</p>
      )}
      <h2>Membership</h2>
      {patron ? (
        <div class="scroll">
          <table>
            <caption>Patron</caption>
            <tbody>
              <Row name="Status" value={patron.status} />
              <Row name="Tier" value={tierName(patron.tierId)} />
              <Row name="Paid until" value={day(patron.currentPeriodEnd)} />
              <Row name="Ends at the period's end" value={patron.cancelAtPeriodEnd ? "yes" : undefined} />
              <Row name="Grace until" value={day(patron.graceUntil)} />
              <Row name="Comped until" value={patron.compedUntil && `${day(patron.compedUntil)} (${tierName(patron.compTierId ?? patron.tierId)}, by ${patron.compedBy ?? "?"})`} />
              <Row name="Lapsed" value={day(patron.lapsedAt)} />
              <Row name="Pays through Stripe" value={patron.stripeSubscriptionId ? "yes" : "no"} />
            </tbody>
          </table>
        </div>
      ) : (
        <p>Not a patron.</p>
      )}
      <h2>Deliveries</h2>
      {deliveries.total === 0 ? (
        <p>No digest or email has been addressed to them.</p>
      ) : (
        <>
          <p>
            {deliveries.total} in all:{" "}
            {Object.entries(deliveries.byStatus)
              .map(([status, n]) => `${n} ${status}`)
              .join(", ")}
            .
          </p>
          <div class="scroll">
            <table>
              <caption>The {deliveries.recent.length} most recent, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Digest</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.recent.map((delivery) => (
                  <tr>
                    <td>{delivery.digestId}</td>
                    <td>
                      {delivery.status}
                      {delivery.reason ? ` (${delivery.reason})` : ""}
                    </td>
                    <td>{time(delivery.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h2>Votes</h2>
      {votes.length === 0 ? (
        <p>No votes.</p>
      ) : (
        <ul>
          {votes.map((vote) => (
            <li>
              {vote.topicTitle ?? vote.topicId}: weight {vote.weight}
              {vote.counted ? "" : " (not counted now)"}, {day(vote.createdAt)}
            </li>
          ))}
        </ul>
      )}
      <h2>Contributions and gifts</h2>
      <ul>
        <li>
          {contributions.count === 0
            ? "No contributions."
            : `${contributions.count} contribution${contributions.count === 1 ? "" : "s"}: ${Object.entries(contributions.byCurrency)
                .map(([currency, sum]) => `${money(sum.amount, currency)}${sum.refunded ? ` (${money(sum.refunded, currency)} refunded)` : ""}`)
                .join(", ")}`}
        </li>
        <li>
          {gifts.given.length === 0 ? "No gifts given." : `${gifts.given.length} gift membership${gifts.given.length === 1 ? "" : "s"} given.`}
        </li>
        {gifts.received.map((gift) => (
          <li>
            Received a gift: {tierName(gift.tierId)} for {gift.months} month{gift.months === 1 ? "" : "s"} ({gift.status}
            {gift.endsAt ? `, ends ${day(gift.endsAt)}` : ""})
          </li>
        ))}
      </ul>
      {isAdmin(props.account) ? <AdminActions email={subscriber.email} tiers={props.tiers} /> : <p class="note">Only admins grant memberships or erase a subscriber.</p>}
    </EditorLayout>
  );
}

function AdminActions(props: { email: string; tiers: Tier[] }) {
  const path = recordPath(props.email);
  return (
    <>
      <h2>Grant a membership</h2>
      <p class="note">A comp: the tier until the end of the day chosen (UTC), free. It replaces a comp already running.</p>
      <form method="post" action={`${path}/comp`}>
        <label for="tier">Tier</label>
        <select id="tier" name="tier" required>
          {props.tiers.map((tier) => (
            <option value={tier.id}>{tier.name}</option>
          ))}
        </select>
        <label for="until">Until</label>
        <input type="date" id="until" name="until" required />
        <p>
          <button type="submit">Grant the membership</button>
        </p>
      </form>
      <h2>Erase</h2>
      <p>At the reader's request: their personal data goes, anonymous counts stay, and all email stops at once.</p>
      <p>
        <a href={`${path}/erase`}>Erase this subscriber…</a>
      </p>
    </>
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

function ImportLines(props: { caption: string; lines: ImportReport["errors"] }) {
  if (props.lines.length === 0) return null;
  return (
    <div class="scroll">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col" class="num">
              Line
            </th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {props.lines.map((line) => (
            <tr>
              <td class="num">{line.line}</td>
              <td>{line.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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
