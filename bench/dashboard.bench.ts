/**
 * The editors' dashboard on a seeded list of 100,000 subscribers (every status), a few hundred patrons, a year of
 * daily snapshots: the time to first byte of the overview (`GET /editor`, its figures and charts from the
 * snapshots), side by side with what a newsroom would otherwise have, the figures counted live on every view
 * (`GET /api/stats`, which reads every subscriber), on the same data, the same served app and the same DynamoDB
 * Local; each once cold, in a fresh Node process, and then warm. Then the weight of each dashboard page, and the
 * DynamoDB requests and read units each makes.
 */
import "./lib/quiet";
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { gzipSync } from "node:zlib";
import * as Editors from "../core/editors";
import { seedDashboard } from "./lib/dashboard-data";
import { fmt, table, writeResult } from "./lib/report";
import { startApp, type ServedApp, type Timed } from "./lib/served-app";
import { freshStack } from "./lib/setup";

const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const SUBSCRIBERS = setting("BENCH_SUBSCRIBERS", 100_000);
const PATRONS = 300;
const DAYS = 365;
const DIGESTS = 12;
const WARM_UP = 5;
const LIVE_WARM_UP = 3;
const SAMPLES = 30;
/** The live count's samples are as many as fit in this many seconds (a few seconds each at 100,000), 10 to SAMPLES. */
const LIVE_SECONDS = 120;
const PAGE_SAMPLES = 5;
const ADMIN = "chief@newsroom.example";

const token = randomBytes(32).toString("base64url");
const loadAtStart = loadavg();
const { stack } = await freshStack({ PUBLIC_URL: "http://127.0.0.1", EDITORS: `${ADMIN}:admin`, EDITOR_TOKENS: `editor:admin:${token}` });
let app: ServedApp | undefined;
try {
  console.log(`Seeding ${fmt(SUBSCRIBERS)} subscribers, ${PATRONS} patrons, ${DAYS} daily snapshots…`);
  const data = await seedDashboard({ subscribers: SUBSCRIBERS, patrons: PATRONS, days: DAYS, digests: DIGESTS });
  console.log(`  ${fmt(data.items)} items in ${data.seconds.subscribers.toFixed(0)} s; the rest in ${data.seconds.rest.toFixed(0)} s`);
  const { cookie } = await Editors.Sessions.startSession(Editors.editorKey(ADMIN));
  const asEditor = { cookie: `tidings_editor=${cookie}` };
  const withToken = { authorization: `Bearer ${token}` };
  const ok = (answer: Timed, what: string) => {
    if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}: ${answer.body.toString().slice(0, 300)}`);
    return answer;
  };

  // Cold: the first request of a fresh process (the app's modules loaded, nothing else), each in its own.
  const cold = async (path: string, headers: Record<string, string>) => {
    const fresh = await startApp(process.env);
    try {
      const [first, second] = [await fresh.get(path, headers), await fresh.get(path, headers)];
      for (const answer of [first, second]) if (!(path === "/api/stats" && answer.status === 500)) ok(answer, path);
      return { startupMs: fresh.startupMs, firstTtfbMs: first.ttfbMs, firstStatus: first.status, secondTtfbMs: second.ttfbMs, secondStatus: second.status };
    } finally {
      await fresh.stop();
    }
  };
  console.log("The overview cold…");
  const coldOverview = await cold("/editor", asEditor);

  console.log("Warm: the overview, every page, then the live count…");
  app = await startApp(process.env);
  const served = app;
  const series = async (path: string, headers: Record<string, string>, samples: number) => {
    const ms: number[] = [];
    for (let i = 0; i < samples; i++) ms.push(ok(await served.get(path, headers), path).ttfbMs);
    return ms;
  };
  /** The live count's series: an answer of 500 (a DynamoDB request past the app's 5 s timeout) is counted, not timed. */
  const liveSeries = async (samples: number) => {
    const ms: number[] = [];
    let failed = 0;
    for (let i = 0; i < samples; i++) {
      const answer = await served.get("/api/stats", withToken);
      if (answer.status === 500) failed++;
      else ms.push(ok(answer, "/api/stats").ttfbMs);
    }
    return { ms, failed };
  };
  await series("/editor", asEditor, WARM_UP);
  const overviewMs = await series("/editor", asEditor, SAMPLES);
  const overview = summary(overviewMs);

  // Every page, before the live count's requests, so none is timed while DynamoDB Local recovers from their reads
  // (the live count's cold start comes last for the same reason).
  const digestId = data.digestIds[data.digestIds.length - 1]!;
  const pages: Array<[string, string, Record<string, string>]> = [
    ["Overview", "/editor", asEditor],
    ["Digests", "/editor/digests", asEditor],
    ["A digest", `/editor/digests/${digestId}`, asEditor],
    ["Topics", "/editor/topics", asEditor],
    ["Subscribers (search)", "/editor/subscribers", asEditor],
    ["A subscriber's record (a patron)", `/editor/subscribers/${encodeURIComponent(data.patronEmail)}`, asEditor],
    ["Gifts and comps", "/editor/gifts", asEditor],
    ["Audit log", "/editor/audit", asEditor],
    ["Live count (`GET /api/stats`, JSON)", "/api/stats", withToken],
  ];
  const weights = [];
  const missing: string[] = [];
  for (const [label, path, headers] of pages) {
    await served.dynamoRequests(); // starts counting afresh
    const first = await served.get(path, headers);
    const dynamo = await served.dynamoRequests();
    if (first.status === 404) {
      missing.push(path);
      continue;
    }
    if (!(path === "/api/stats" && first.status === 500)) ok(first, path);
    // The live count's time is its series' below; each page's, the median of a few.
    const ttfbP50Ms = path === "/api/stats" ? Number.NaN : summary(await series(path, headers, PAGE_SAMPLES)).p50;
    weights.push({ label, path, bytes: first.body.length, gzipBytes: gzipSync(first.body).length, ...dynamo, ttfbP50Ms });
  }

  const liveWarm = await liveSeries(LIVE_WARM_UP);
  const liveSamples = Math.max(10, Math.min(SAMPLES, Math.floor((LIVE_SECONDS * 1000) / (percentile(liveWarm.ms, 0.5) || 5000))));
  const { ms: liveMs, failed: liveFailed } = await liveSeries(liveSamples);
  const live = summary(liveMs);
  console.log(`  overview p50 ${overview.p50.toFixed(1)} ms, live count p50 ${live.p50.toFixed(1)} ms`);
  const livePage = weights.find((page) => page.path === "/api/stats");
  if (livePage) livePage.ttfbP50Ms = live.p50;
  await app.stop();
  console.log("The live count cold…");
  const coldLive = await cold("/api/stats", withToken);

  const ratio = live.p50 / overview.p50;
  const figures = {
    data: { subscribers: SUBSCRIBERS, byStatus: data.statuses, items: data.items, patrons: data.patrons, snapshots: DAYS, digests: DIGESTS + 1 },
    seedSeconds: data.seconds,
    cold: { overview: coldOverview, liveCount: coldLive },
    warm: {
      overview: { ...overview, samples: overviewMs.length, ms: overviewMs },
      liveCount: { ...live, samples: liveSamples, answered: liveMs.length, failed: liveFailed, ms: liveMs },
    },
    loadAverage: { atStart: loadAtStart, atEnd: loadavg(), cores: cpus().length },
    ratios: { p50: ratio, p95: live.p95 / overview.p95, cold: coldLive.firstTtfbMs / coldOverview.firstTtfbMs },
    pages: weights,
    missingPages: missing,
  };
  const times = (value: number) => `${fmt(value, value < 10 ? 1 : 0)}×`;
  const ms = (value: number) => `${fmt(value, value < 100 ? 1 : 0)} ms`;
  const failedNote = (status: number) => (status === 500 ? ", 500" : "");
  const load = figures.loadAverage;
  const kb = (bytes: number) => `${fmt(bytes / 1000, 1)} KB`;
  const overviewPage = weights.find((page) => page.path === "/editor");
  writeResult({
    name: "dashboard",
    title: "The editors' dashboard",
    figures,
    markdown: `
The dashboard served over HTTP by the real app (@hono/node-server, in a Node process of its own as \`npm start\`
runs it) on a DynamoDB Local of its own, seeded with ${fmt(SUBSCRIBERS)} subscribers of every status
(${Object.entries(data.statuses).map(([status, n]) => `${fmt(n)} ${status}`).join(", ")}; one in five daily), ${data.patrons}
patrons of every status and tier, ${DAYS} daily snapshots, ${DIGESTS + 1} digests and a month of the audit log. Requests
one after another over one kept-alive connection with an admin's session cookie; the time to first byte is the
status line's arrival (the pages are rendered whole before they are sent, so it is the server's time, DynamoDB
Local's included). The overview reads its figures from the daily snapshots (one Query of the last year); the
alternative a newsroom would otherwise have, the figures counted live on every view, is \`GET /api/stats\` with an
admin's token, which reads every subscriber (a COUNT Query of each status partition) and every patron. The
overview and every page are timed before the live count's first request, so none waits while DynamoDB Local
collects the garbage of those reads; the live count's cold start comes last.

| | overview (\`GET /editor\`, from snapshots) | live count (\`GET /api/stats\`) | live ÷ overview |
| --- | --- | --- | --- |
| warm, p50 (${overviewMs.length} / ${liveSamples} requests, after ${WARM_UP} / ${LIVE_WARM_UP} to warm up) | ${ms(overview.p50)} | ${ms(live.p50)} | **${times(ratio)}** |
| warm, p95 | ${ms(overview.p95)} | ${ms(live.p95)} | ${times(figures.ratios.p95)} |
| cold: first request in a fresh process | ${ms(coldOverview.firstTtfbMs)} (then ${ms(coldOverview.secondTtfbMs)}) | ${ms(coldLive.firstTtfbMs)}${failedNote(coldLive.firstStatus)} (then ${ms(coldLive.secondTtfbMs)}${failedNote(coldLive.secondStatus)}) | ${times(figures.ratios.cold)} |
| answered 500 (a DynamoDB request past the app's 5 s timeout) | 0 of ${overviewMs.length} | ${liveFailed} of ${liveSamples} | |
| DynamoDB requests / read units per view | ${overviewPage ? `${overviewPage.requests} / ${fmt(overviewPage.readUnits, 1)}` : "–"} | ${livePage ? `${fmt(livePage.requests)} / ${fmt(livePage.readUnits)}` : "–"} | |

The overview's answer on a warm process takes ${ms(overview.p50)} at the median with its charts drawn on the
server; counting the same ${fmt(SUBSCRIBERS)} subscribers live takes ${ms(live.p50)}, ${times(ratio)} as long, and
grows with the list (the overview does not). A fresh process (${ms(coldOverview.startupMs)} to load the app and listen,
through tsx as \`npm start\` runs it) answers its first overview in ${ms(coldOverview.firstTtfbMs)}: the first chart loads
ECharts, and the first DynamoDB request sets up the client.

Each page once for its weight (the HTML as sent, and gzipped at level 6 as a CDN or browser would fetch it) and
its DynamoDB requests (the session's read and refresh included; a subscriber's record also writes its read to
the audit log), then ${PAGE_SAMPLES} times for its median time to first byte (the live count's is its series' above):

${table(
  ["page", "path", "bytes", "gzip", "DynamoDB requests", "read units", "TTFB p50"],
  weights.map((page) => [page.label, `\`${page.path.replace(/\/editor\/(digests|subscribers)\/[^/]+$/, "/editor/$1/{…}")}\``, kb(page.bytes), kb(page.gzipBytes), fmt(page.requests), fmt(page.readUnits, 1), ms(page.ttfbP50Ms)]),
)}
${missing.length ? `\nNot measured (not built yet when this ran: 404): ${missing.map((path) => `\`${path}\``).join(", ")}.\n` : ""}
The live count's percentiles are of the requests it answered; one that failed (500) is counted apart, not
timed. The machine's load average was ${fmt(load.atStart[0]!, 1)} when the run began and ${fmt(load.atEnd[0]!, 1)} when it
ended, on ${load.cores} cores${load.atStart[0]! > load.cores || load.atEnd[0]! > load.cores ? " (other work was running: the times are slower and noisier than on an idle machine, both sides alike)" : ""}.
Seeding took ${fmt(data.seconds.subscribers)} s for the subscribers (${fmt(data.items)} items, 25 to a BatchWriteItem) and
${fmt(data.seconds.rest)} s for the rest (the last includes one live count, from which the snapshots walk back).
`,
  });
} finally {
  await app?.stop();
  await stack.stop();
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function summary(ms: readonly number[]) {
  return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95), min: Math.min(...ms), max: Math.max(...ms) };
}
