/**
 * The editors' charts (functions/api/views/charts.tsx), built as deployed (scripts/bundle.ts): what the module adds
 * to the code a cold start loads, the chunk of ECharts it loads on the first chart (minified and gzipped), how long
 * that first chart takes in a fresh Node process (loading the chunk included), and then the time per chart: a
 * 90-day line chart of four series (subscribers by status) and a 12-month bar chart of two (joins and churn). The
 * renders are checked to give the same bytes each time; the benchmark fails otherwise.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build, bytesOf, OUT, ROOT } from "../scripts/bundle";
import { fmt, table, writeResult } from "./lib/report";

const SPAWNS = 5;
const RENDERS = 200;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const outdir = join(OUT, "bench-charts");
rmSync(outdir, { recursive: true, force: true });
const bundle = await build("charts", join(ROOT, "functions/api/views/charts.tsx"), outdir);
const chunk = bundle.onDemand.find((c) => Object.keys(c.inputs).some((input) => input.includes("node_modules/echarts/")));
if (!chunk) throw new Error("ECharts is not in a chunk of its own");
if (bundle.startup.some((c) => Object.keys(c.inputs).some((input) => /node_modules\/(echarts|zrender)\//.test(input)))) {
  throw new Error("ECharts is loaded at startup");
}

// Run in a fresh process per spawn: the first chart loads the chunk, as on a Lambda's first chart.
const script = `
const days = Array.from({ length: 90 }, (_, d) => new Date(Date.UTC(2026, 8, 1 + d)).toISOString().slice(0, 10));
const line = { id: "subscribers", kind: "line", title: "Subscribers by status, last 90 days", labels: days,
  series: ["Active", "Pending", "Unsubscribed", "Bounced"].map((name, i) => ({ name,
    values: days.map((_, d) => 1000 * (4 - i) + ((d * 37 + i * 11) % 200)) })) };
const months = Array.from({ length: 12 }, (_, m) => new Date(Date.UTC(2026, m, 1)).toLocaleString("en-US", { month: "short", year: "numeric", timeZone: "UTC" }));
const bar = { id: "joins", kind: "bar", title: "Joins and churn per month", labels: months,
  series: [{ name: "Joins", values: months.map((_, m) => 100 + m * 7) }, { name: "Churn", values: months.map((_, m) => 10 + (m % 4) * 5) }] };
const t0 = performance.now();
const { chartSvg } = await import(${JSON.stringify(pathToFileURL(bundle.entry.file).href)});
const t1 = performance.now();
const first = await chartSvg(line);
const t2 = performance.now();
const time = async (spec) => { const ms = []; let svg; for (let i = 0; i < ${RENDERS}; i++) { const t = performance.now(); svg = await chartSvg(spec); ms.push(performance.now() - t); } return { ms: ms.sort((a, b) => a - b)[${RENDERS / 2}], svg }; };
const l = await time(line), b = await time(bar);
if (l.svg !== first || b.svg !== await chartSvg(bar)) throw new Error("the same spec gave other bytes");
process.stdout.write(JSON.stringify({ importMs: t1 - t0, firstChartMs: t2 - t1, lineMs: l.ms, barMs: b.ms, lineBytes: Buffer.byteLength(l.svg), barBytes: Buffer.byteLength(b.svg) }));`;

const runs = Array.from({ length: SPAWNS }, () => {
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`the chart run failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<"importMs" | "firstChartMs" | "lineMs" | "barMs" | "lineBytes" | "barBytes", number>;
});
const figure = (key: keyof (typeof runs)[number]) => median(runs.map((run) => run[key]));
const figures = {
  moduleBytes: bundle.startup.reduce((sum, c) => sum + (c.inputs["functions/api/views/charts.tsx"] ?? 0), 0),
  startupBytes: bytesOf(bundle.startup),
  chunkBytes: chunk.bytes,
  chunkGzipBytes: gzipSync(readFileSync(chunk.file)).length,
  firstChartMs: figure("firstChartMs"),
  lineMs: figure("lineMs"),
  barMs: figure("barMs"),
  lineBytes: figure("lineBytes"),
  barBytes: figure("barBytes"),
  spawns: SPAWNS,
  rendersPerSpawn: RENDERS,
};

writeResult({
  name: "charts",
  title: "Charts on the editors' pages",
  figures,
  markdown: `
The charts module built as deployed: it adds ${fmt(figures.moduleBytes / 1000, 1)} KB of its own to what a cold start loads
(${fmt(figures.startupBytes / 1000, 1)} KB with Hono's JSX, which the API loads anyway); ECharts (line and bar charts,
grid, legend, SVG renderer) is a chunk of its own, loaded on the first chart. Medians
over ${SPAWNS} fresh Node processes, each drawing every chart ${RENDERS} times (one core); the same spec gives the
same bytes every time (checked).

${table(
  ["Figure", "Value"],
  [
    ["ECharts chunk, minified / gzipped", `${fmt(figures.chunkBytes / 1000)} KB / ${fmt(figures.chunkGzipBytes / 1000)} KB`],
    ["First chart in a fresh process (loading the chunk included)", `${fmt(figures.firstChartMs)} ms`],
    ["90-day line chart, 4 series (360 points)", `${fmt(figures.lineMs, 1)} ms, ${fmt(figures.lineBytes / 1000, 1)} KB of SVG`],
    ["12-month bar chart, 2 series", `${fmt(figures.barMs, 1)} ms, ${fmt(figures.barBytes / 1000, 1)} KB of SVG`],
  ],
)}
`,
});
