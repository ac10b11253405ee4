/**
 * `/editor`: the overview. The figures now and over time (charts drawn on the server, each followed by its table),
 * the sends in progress, the next scheduled digests.
 */
import type * as Editors from "../../../core/editors";
import * as Money from "../../../core/money";
import type { Figures } from "../../../core/editors/figures";
import { Chart, type ChartSeries } from "./charts";
import type { Overview } from "../../../core/editors/overview";
import { currentLanguage, t, tr } from "../language";
import { EditorLayout } from "./editor";
import { DigestTable } from "./editor-digests";

const when = (at: Date, timezone: string) =>
  tr().date(at, { timeZone: timezone, weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" });

const number = (n: number) => tr().number(n);
const money = (amount: number, currency: string) => Money.format(amount, currency, { language: currentLanguage() });

/** "3 Dec" for a day, "Dec 2026" for a month (UTC, as the snapshots' days are), in the page's language. */
const dayLabel = (date: string) => tr().date(`${date}T00:00:00Z`, { day: "numeric", month: "short", timeZone: "UTC" });
const monthLabel = (month: string) => tr().date(`${month}-01T00:00:00Z`, { month: "short", year: "numeric", timeZone: "UTC" });
const longMonth = (month: string) => tr().date(`${month}-01T00:00:00Z`, { month: "long", year: "numeric", timeZone: "UTC" });
/** A series per status, named in the page's language (the statuses are the snapshots' keys). */
const seriesOf = (columns: Record<string, ReadonlyArray<number | null>>, key: "editor.overview.status.subscriber" | "editor.overview.status.patron"): ChartSeries[] =>
  Object.entries(columns).map(([status, values]) => ({ name: key === "editor.overview.status.patron" ? patronStatusName(status) : t(key, { status }), values }));
/** A patron status's name (`paused` is named by the pause's catalogue). */
const patronStatusName = (status: string) => (status === "paused" ? t("pause.editor.status") : t("editor.overview.status.patron", { status }));

/** The figures now: the latest snapshot, with when it was taken. */
function Now(props: { figures: Figures }) {
  const latest = props.figures.latest;
  if (!latest) return <p>{t("editor.overview.noFigures")}</p>;
  const amounts = (byCurrency: Record<string, number>) =>
    Object.entries(byCurrency)
      .map(([currency, amount]) => money(amount, currency))
      .join(", ") || t("editor.overview.card.none");
  const oneTime = Object.fromEntries(Object.entries(latest.contributions.byCurrency).map(([currency, totals]) => [currency, totals.amount]));
  return (
    <>
      <div class="cards">
        <div class="card">
          <div>{t("editor.overview.card.active")}</div>
          <div class="big">{number(latest.subscribers.byStatus.active ?? 0)}</div>
          <div class="note">{t("editor.overview.card.activeOf", { total: number(latest.subscribers.total) })}</div>
        </div>
        <div class="card">
          <div>{t("editor.overview.card.patrons")}</div>
          <div class="big">{number((latest.patrons.byStatus.active ?? 0) + (latest.patrons.byStatus.grace ?? 0))}</div>
          <div class="note">{t("editor.overview.card.comped", { count: latest.patrons.byStatus.comped ?? 0 })}</div>
          {(latest.patrons.byStatus.paused ?? 0) > 0 && <div class="note">{t("pause.editor.card", { count: latest.patrons.byStatus.paused })}</div>}
        </div>
        <div class="card">
          <div>{t("editor.overview.card.mrr")}</div>
          <div class="big">{amounts(latest.mrr)}</div>
        </div>
        <div class="card">
          <div>{t("editor.overview.card.oneTime", { month: longMonth(latest.contributions.month) })}</div>
          <div class="big">{amounts(oneTime)}</div>
        </div>
      </div>
      <p class="note">
        {t("editor.overview.asOf", {
          time: latest.takenAt.replace("T", " ").slice(0, 16),
          provisional: latest.provisional ? "yes" : "no",
          demo: latest.demo ? "yes" : "no",
        })}
      </p>
    </>
  );
}

function OverTime(props: { figures: Figures }) {
  const { daily, monthly, latest } = props.figures;
  const days = daily.dates.map(dayLabel);
  const months = monthly.months.map(monthLabel);
  const tiers = latest ? Object.entries(latest.patrons.byTier) : [];
  const statuses = latest ? Object.keys(latest.patrons.byStatus) : [];
  const day = t("editor.overview.charts.day");
  const month = t("editor.overview.charts.month");
  return (
    <>
      <h2>{t("editor.overview.charts.people")}</h2>
      <Chart id="subscribers-90" kind="line" title={t("editor.overview.charts.subscribers")} labelHeading={day} labels={days} series={seriesOf(daily.subscribers, "editor.overview.status.subscriber")} />
      <Chart id="patrons-90" kind="line" title={t("editor.overview.charts.patrons")} labelHeading={day} labels={days} series={seriesOf(daily.patrons, "editor.overview.status.patron")} />
      {tiers.length > 0 && (
        <Chart
          id="patrons-by-tier"
          kind="bar"
          title={t("editor.overview.charts.byTier")}
          labelHeading={t("editor.overview.charts.tier")}
          labels={tiers.map(([tier]) => tier)}
          series={statuses.map((status) => ({
            name: patronStatusName(status),
            values: tiers.map(([, counts]) => counts[status as keyof typeof counts] ?? 0),
          }))}
        />
      )}
      <h2>{t("editor.overview.charts.revenue")}</h2>
      {Object.keys(monthly.mrr).length === 0 && Object.keys(monthly.contributions).length === 0 && <p>{t("editor.overview.charts.noRevenue")}</p>}
      {Object.entries(monthly.mrr).map(([currency, values]) => (
        <Chart
          id={`mrr-${currency.toLowerCase()}`}
          kind="line"
          title={t("editor.overview.charts.mrr", { currency: currency.toUpperCase() })}
          labelHeading={month}
          labels={months}
          series={[{ name: t("editor.overview.charts.mrrSeries"), values }]}
          format={(amount) => money(amount, currency)}
        />
      ))}
      {Object.entries(monthly.contributions).map(([currency, values]) => (
        <Chart
          id={`one-time-${currency.toLowerCase()}`}
          kind="bar"
          title={t("editor.overview.charts.oneTime", { currency: currency.toUpperCase() })}
          labelHeading={month}
          labels={months}
          series={[{ name: t("editor.overview.charts.contributions"), values }]}
          format={(amount) => money(amount, currency)}
        />
      ))}
      <h2>{t("editor.overview.charts.movementHeading")}</h2>
      <Chart
        id="movement"
        kind="bar"
        title={t("editor.overview.charts.movement")}
        labelHeading={month}
        labels={months}
        series={[
          { name: t("editor.overview.charts.subscribersJoined"), values: monthly.subscribersJoined },
          { name: t("editor.overview.charts.subscribersLeft"), values: monthly.subscribersChurned },
          { name: t("editor.overview.charts.patronsJoined"), values: monthly.patronsJoined },
          { name: t("editor.overview.charts.patronsLeft"), values: monthly.patronsChurned },
        ]}
      />
    </>
  );
}

export function OverviewPage(props: { account: Editors.EditorAccount } & Overview) {
  const inFlight = [...props.sending, ...props.paused];
  return (
    <EditorLayout title={t("editor.overview.title")} account={props.account} path="/editor">
      <h1>{t("editor.overview.title")}</h1>
      <p class="note">{t("editor.overview.signedInAs", { email: props.account.email, role: props.account.role })}</p>
      <Now figures={props.figures} />
      <h2>{t("editor.overview.sending.heading")}</h2>
      {inFlight.length === 0 ? (
        <p>{t("editor.overview.sending.none")}</p>
      ) : (
        <DigestTable caption={t("editor.overview.sending.caption")} digests={inFlight} />
      )}
      <h2>{t("editor.overview.next.heading")}</h2>
      {props.next.length === 0 ? (
        <p>{t("editor.overview.next.none")}</p>
      ) : (
        <ul>
          {props.next.map((run) => (
            <li>
              {tr().rich("editor.overview.next.run", {
                frequency: run.frequency,
                timezone: props.timezone,
                when: when(run.at, props.timezone),
                time: (chunks) => <time datetime={run.at.toISOString()}>{chunks}</time>,
              })}
            </li>
          ))}
        </ul>
      )}
      <OverTime figures={props.figures} />
    </EditorLayout>
  );
}
