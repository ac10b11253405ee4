/**
 * `/editor/retention`: a period form (two dates, a GET), how many patrons are paused now, the conversions by source
 * as a table, and the cancellations by reason (part of the same page: `CancellationsPanel`). Works without
 * JavaScript; every figure is in a table, in the editor's language.
 */
import type * as Editors from "../../../core/editors";
import type { MessageKey } from "../../../core/i18n";
import * as Money from "../../../core/money";
import type { RetentionReport } from "../../../core/stats/retention";
import type { SourceConversions } from "../../../core/stats/sources";
import { currentLanguage, t, tr } from "../language";
import { EditorLayout } from "./editor";
import { day } from "./editor-subscribers";
import { CancellationsPanel } from "./retention-cancellations";

const KIND_WORDS = {
  article: "sources.kind.article",
  digest: "sources.kind.digest",
  page: "sources.kind.page",
  email: "sources.kind.email",
} as const satisfies Record<string, MessageKey>;

/** "Digest weekly-2026-W48", in the page's language; the source itself stays beside it, as it is counted. */
function SourceName(props: { source: string }) {
  const at = props.source.indexOf(":");
  const kind = KIND_WORDS[props.source.slice(0, at) as keyof typeof KIND_WORDS];
  return kind ? <>{t(kind, { name: props.source.slice(at + 1) })}</> : <code>{props.source}</code>;
}

function Contributions(props: { contributions: SourceConversions["contributions"] }) {
  const language = currentLanguage();
  const lines = Object.entries(props.contributions)
    .filter(([, paid]) => paid.count > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, paid]) => t("sources.contribution", { amount: Money.format(paid.amount, currency, { language }), count: paid.count }));
  return <>{lines.join("; ")}</>;
}

function SourcesTable(props: { report: RetentionReport }) {
  const { report } = props;
  const period = { from: day(report.from), to: day(report.to) };
  return (
    <section aria-labelledby="sources-heading">
      <h2 id="sources-heading">{t("sources.heading")}</h2>
      {report.sources.length === 0 ? (
        <p>{t("sources.none")}</p>
      ) : (
        <div class="scroll">
          <table>
            <caption>{t("sources.caption", period)}</caption>
            <thead>
              <tr>
                <th scope="col">{t("sources.column.source")}</th>
                <th scope="col" class="num">{t("sources.column.signups")}</th>
                <th scope="col" class="num">{t("sources.column.confirmations")}</th>
                <th scope="col" class="num">{t("sources.column.rate")}</th>
                <th scope="col" class="num">{t("sources.column.patrons")}</th>
                <th scope="col" class="num">{t("sources.column.contributions")}</th>
              </tr>
            </thead>
            <tbody>
              {report.sources.map((row) => (
                <tr data-source={row.source}>
                  <th scope="row">
                    <SourceName source={row.source} />
                  </th>
                  <td class="num">{tr().number(row.signups)}</td>
                  <td class="num">{tr().number(row.confirmations)}</td>
                  <td class="num">{row.signups > 0 ? t("sources.rate", { rate: row.confirmations / row.signups }) : ""}</td>
                  <td class="num">{tr().number(row.patrons)}</td>
                  <td class="num">
                    <Contributions contributions={row.contributions} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="note">{t("sources.note")}</p>
    </section>
  );
}

export function RetentionPage(props: { account: Editors.EditorAccount; report: RetentionReport }) {
  const { report } = props;
  return (
    <EditorLayout title={t("retention.title")} account={props.account} path="/editor/retention">
      <h1>{t("retention.title")}</h1>
      <p>{t("retention.intro", { from: day(report.from), to: day(report.to) })}</p>
      <form method="get" action="/editor/retention">
        <fieldset>
          <legend>{t("retention.period.legend")}</legend>
          <label for="retention-from">{t("retention.period.from")}</label>
          <input type="date" id="retention-from" name="from" value={report.from} />
          <label for="retention-to">{t("retention.period.to")}</label>
          <input type="date" id="retention-to" name="to" value={report.to} />
          <p class="note">{t("retention.period.note")}</p>
          <button type="submit">{t("retention.period.submit")}</button>
        </fieldset>
      </form>
      <p>{t("retention.paused", { count: report.paused })}</p>
      <SourcesTable report={report} />
      <CancellationsPanel summary={report.cancellations} />
    </EditorLayout>
  );
}
