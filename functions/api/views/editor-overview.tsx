/**
 * `/editor`: the overview. The figures now and over time (charts drawn on the server, each followed by its table),
 * the sends in progress, the next scheduled digests.
 */
import type * as Editors from "../../../core/editors";
import * as Money from "../../../core/money";
import type { Figures } from "../../../core/editors/figures";
import { Chart, type ChartSeries } from "./charts";
import type { Overview } from "../../../core/editors/overview";
import { EditorLayout } from "./editor";
import { DigestTable } from "./editor-digests";

const when = (at: Date, timezone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: timezone, weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" }).format(at);

const number = (n: number) => new Intl.NumberFormat("en-GB").format(n);

const capital = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
/** "3 Dec" for a day, "Dec 2026" for a month (UTC, as the snapshots' days are). */
const dayLabel = (date: string) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
const monthLabel = (month: string) => new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${month}-01T00:00:00Z`));
const seriesOf = (columns: Record<string, ReadonlyArray<number | null>>): ChartSeries[] =>
  Object.entries(columns).map(([name, values]) => ({ name: capital(name), values }));

/** The figures now: the latest snapshot, with when it was taken. */
function Now(props: { figures: Figures }) {
  const latest = props.figures.latest;
  if (!latest) return <p>No daily figures yet: the first snapshot is taken shortly after midnight (UTC).</p>;
  const money = (amounts: Record<string, number>) =>
    Object.entries(amounts)
      .map(([currency, amount]) => Money.format(amount, currency))
      .join(", ") || "none";
  const oneTime = Object.fromEntries(Object.entries(latest.contributions.byCurrency).map(([currency, totals]) => [currency, totals.amount]));
  return (
    <>
      <div class="cards">
        <div class="card">
          <div>Active subscribers</div>
          <div class="big">{number(latest.subscribers.byStatus.active ?? 0)}</div>
          <div class="note">of {number(latest.subscribers.total)} in all</div>
        </div>
        <div class="card">
          <div>Paying patrons</div>
          <div class="big">{number((latest.patrons.byStatus.active ?? 0) + (latest.patrons.byStatus.grace ?? 0))}</div>
          <div class="note">{number(latest.patrons.byStatus.comped ?? 0)} comped</div>
        </div>
        <div class="card">
          <div>Monthly recurring revenue</div>
          <div class="big">{money(latest.mrr)}</div>
        </div>
        <div class="card">
          <div>One-time revenue, {monthLabel(latest.contributions.month)}</div>
          <div class="big">{money(oneTime)}</div>
        </div>
      </div>
      <p class="note">
        As of {latest.takenAt.replace("T", " ").slice(0, 16)} UTC{latest.provisional ? " (today so far)" : ""}
        {latest.demo ? "; earlier days are demo data" : ""}.
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
  return (
    <>
      <h2>Subscribers and patrons, last 90 days</h2>
      <Chart id="subscribers-90" kind="line" title="Subscribers by status, last 90 days" labelHeading="Day" labels={days} series={seriesOf(daily.subscribers)} />
      <Chart id="patrons-90" kind="line" title="Patrons by status, last 90 days" labelHeading="Day" labels={days} series={seriesOf(daily.patrons)} />
      {tiers.length > 0 && (
        <Chart
          id="patrons-by-tier"
          kind="bar"
          title="Patrons by tier and status, now"
          labelHeading="Tier"
          labels={tiers.map(([tier]) => tier)}
          series={statuses.map((status) => ({ name: capital(status), values: tiers.map(([, counts]) => counts[status as keyof typeof counts] ?? 0) }))}
        />
      )}
      <h2>Revenue, last 12 months</h2>
      {Object.keys(monthly.mrr).length === 0 && Object.keys(monthly.contributions).length === 0 && <p>No revenue yet.</p>}
      {Object.entries(monthly.mrr).map(([currency, values]) => (
        <Chart
          id={`mrr-${currency.toLowerCase()}`}
          kind="line"
          title={`Monthly recurring revenue (${currency.toUpperCase()}), at each month's end`}
          labelHeading="Month"
          labels={months}
          series={[{ name: "Monthly recurring revenue", values }]}
          format={(amount) => Money.format(amount, currency)}
        />
      ))}
      {Object.entries(monthly.contributions).map(([currency, values]) => (
        <Chart
          id={`one-time-${currency.toLowerCase()}`}
          kind="bar"
          title={`One-time revenue (${currency.toUpperCase()}) by month`}
          labelHeading="Month"
          labels={months}
          series={[{ name: "Contributions", values }]}
          format={(amount) => Money.format(amount, currency)}
        />
      ))}
      <h2>Joins and churn, last 12 months</h2>
      <Chart
        id="movement"
        kind="bar"
        title="Subscribers and patrons who joined and left, by month"
        labelHeading="Month"
        labels={months}
        series={[
          { name: "Subscribers joined", values: monthly.subscribersJoined },
          { name: "Subscribers left", values: monthly.subscribersChurned },
          { name: "Patrons joined", values: monthly.patronsJoined },
          { name: "Patrons left", values: monthly.patronsChurned },
        ]}
      />
    </>
  );
}

export function OverviewPage(props: { account: Editors.EditorAccount } & Overview) {
  const inFlight = [...props.sending, ...props.paused];
  return (
    <EditorLayout title="Overview" account={props.account} path="/editor">
      <h1>Overview</h1>
      <p class="note">
        Signed in as {props.account.email} ({props.account.role}).
      </p>
      <Now figures={props.figures} />
      <h2>Sending now</h2>
      {inFlight.length === 0 ? <p>No digest is being sent.</p> : <DigestTable caption="Digests being sent or paused" digests={inFlight} />}
      <h2>Next scheduled digests</h2>
      {props.next.length === 0 ? (
        <p>Digests are not sent on a schedule here: editors create and send them.</p>
      ) : (
        <ul>
          {props.next.map((run) => (
            <li>
              {run.frequency === "daily" ? "Daily" : "Weekly"}: <time datetime={run.at.toISOString()}>{when(run.at, props.timezone)}</time> ({props.timezone})
            </li>
          ))}
        </ul>
      )}
      <OverTime figures={props.figures} />
    </EditorLayout>
  );
}
