/**
 * Charts for the editors' pages: a line chart of figures over time (subscribers by status over 90 days, monthly
 * recurring revenue over 12 months) or a bar chart (joins and churn per month), drawn on the server by Apache
 * ECharts into an inline SVG, and followed by a table of the same numbers, so the page needs no JavaScript and a
 * screen reader gets every figure.
 *
 *     <Chart id="subscribers" kind="line" title="Subscribers by status, last 90 days" labelHeading="Day"
 *       labels={days.map((day) => day.label)}
 *       series={[{ name: "Active", values: days.map((day) => day.active) }, …]} />
 *
 * `Chart` is an async component (Hono renders it when the page is rendered): a `<div class="chart" id="<id>">` with
 * the SVG and its table, open up to 12 rows and folded in a `<details>` past that (`table` chooses). `chartSvg` and
 * `ChartTable` are its two halves, for a page that lays them out itself; `describeChart` is the chart in words. What
 * an editor typed (series names, titles) is escaped in the SVG and in the table. The same spec always renders the
 * same bytes. `id` must be unique on the page: the SVG's ids (its title, its clip paths) start with it. Keep labels
 * short ("3 Sep" rather than "2026-09-03"): the chart is drawn 540 wide and scaled down to a phone's width, where its
 * text is small; the table under it has every figure at full size.
 *
 * The SVG is CSP-clean under the pages' policy (no `style` attribute, no `<style>`: see chart-svg.ts), has
 * `role="img"` with a `<title>` (the chart's title) and a `<desc>` (each series' first, last, lowest and highest
 * figure), and has no fixed size: it takes the width of its container, keeping its proportions. ECharts is loaded
 * on first use, like the email templates (templates/load.ts), so that only a request that draws a chart pays for it.
 */
import { raw } from "hono/html";
import { t, tr } from "../language";

export interface ChartSeries {
  /** As the legend and the table's column heading show it. */
  name: string;
  /** One figure per label, in the labels' order; `null` where there is none (a day before snapshots began). */
  values: ReadonlyArray<number | null>;
}

export interface ChartSpec {
  /** Unique on the page; lower-case letters, digits and hyphens, starting with a letter. */
  id: string;
  /** `line` for figures over time; `bar` for counts side by side per period. */
  kind: "line" | "bar";
  /** What the chart shows, as a sentence's subject: the SVG's title and the table's caption. */
  title: string;
  /** The x axis, first to last: one label per figure, written as the reader should read them ("3 Sep", "Sep 2026"). */
  labels: readonly string[];
  series: readonly ChartSeries[];
  /** How a figure is written on the axis, in the description and in the table; by default `1,234` (in the page's language). */
  format?: (value: number) => string;
  /** The table's heading for the labels' column; by default "Date" (in the page's language). */
  labelHeading?: string;
  /** The table open under the chart or folded in a `<details>`; by default open up to 12 rows, folded past that. */
  table?: "open" | "folded";
}

const ID = /^[a-z][a-z0-9-]*$/;
const defaultFormat = (value: number) => tr().number(value);

/** Throws on a spec that cannot be drawn truthfully: a bad id, no series, or a series of the wrong length. */
function check(spec: ChartSpec): void {
  if (!ID.test(spec.id)) throw new Error(`chart id ${JSON.stringify(spec.id)}: lower-case letters, digits and hyphens`);
  if (spec.series.length === 0) throw new Error(`chart ${spec.id}: no series`);
  for (const series of spec.series) {
    if (series.values.length !== spec.labels.length) {
      throw new Error(`chart ${spec.id}: series "${series.name}" has ${series.values.length} figures for ${spec.labels.length} labels`);
    }
    if (series.values.some((value) => value !== null && !Number.isFinite(value))) {
      throw new Error(`chart ${spec.id}: series "${series.name}" has a figure that is not a number`);
    }
  }
}

/**
 * The chart in words, for the SVG's `<desc>`: its span, and each series' first, last, lowest and highest figure, in
 * the page's language.
 */
export function describeChart(spec: ChartSpec): string {
  const format = spec.format ?? defaultFormat;
  const series = spec.series
    .map((one) => {
      const figures = one.values.filter((value): value is number => value !== null);
      if (!figures.length) return t("editor.chart.seriesEmpty", { name: one.name });
      return t("editor.chart.series", {
        name: one.name,
        first: format(figures[0]!),
        last: format(figures[figures.length - 1]!),
        lowest: format(Math.min(...figures)),
        highest: format(Math.max(...figures)),
      });
    })
    .join("; ");
  const values = { kind: spec.kind, count: spec.series.length, series };
  if (!spec.labels.length) return t("editor.chart.describeEmpty", values);
  return t("editor.chart.describe", { ...values, from: spec.labels[0]!, to: spec.labels[spec.labels.length - 1]! });
}

let loaded: Promise<typeof import("./chart-svg")> | undefined;
/** ECharts and the SVG writer; imported once per process, on the first chart. */
const loadRenderer = () => (loaded ??= import("./chart-svg"));

/** The chart alone, as an SVG string (trusted markup: everything in it that came from the spec is escaped). */
export async function chartSvg(spec: ChartSpec): Promise<string> {
  check(spec);
  const { renderChartSvg } = await loadRenderer();
  return renderChartSvg(spec, { title: spec.title, description: describeChart(spec), format: spec.format ?? defaultFormat });
}

/** The chart's numbers: one row per label, one column per series, captioned with the chart's title. */
export function ChartTable(props: ChartSpec) {
  check(props);
  const format = props.format ?? defaultFormat;
  const table = (
    <table>
      <caption>{props.title}</caption>
      <thead>
        <tr>
          <th scope="col">{props.labelHeading ?? t("editor.chart.date")}</th>
          {props.series.map((series) => (
            <th scope="col">{series.name}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.labels.map((label, row) => (
          <tr>
            <th scope="row">{label}</th>
            {props.series.map((series) => {
              const value = series.values[row];
              return <td>{value === null || value === undefined ? "–" : format(value)}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
  const open = (props.table ?? (props.labels.length <= 12 ? "open" : "folded")) === "open";
  if (open) return table;
  return (
    <details>
      <summary>{t("editor.chart.numbers", { title: props.title })}</summary>
      {table}
    </details>
  );
}

/**
 * The chart and, right after it, its table, in a `<div class="chart" id="<id>">` (a `<figure>` would bring an
 * indent that a phone cannot spare, and the pages' style sheet has no rule to undo it).
 */
export async function Chart(props: ChartSpec) {
  const svg = await chartSvg(props);
  return (
    <div class="chart" id={props.id}>
      {raw(svg)}
      <ChartTable {...props} />
    </div>
  );
}
