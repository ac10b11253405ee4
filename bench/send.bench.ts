/**
 * The send pipeline through the real local stack (DynamoDB Local, fauxqs, the SES emulator), unlimited and at
 * 500 emails a second, beside a listmonk-like sender and a naive loop on a sample of the same subscribers.
 *
 * Settings (environment): BENCH_SUBSCRIBERS (default 12,000, what fits the 15-minute `npm run bench` on 2 cores; the figure is 100,000), BENCH_WORKERS
 * (in-process send workers, SEND_CONCURRENCY; default 8), BENCH_RATE (the paced run, default 500),
 * BENCH_BASELINE_SAMPLE (subscribers for the baselines, default 3,500: about 30 s at listmonk's 100 a second),
 * BENCH_NAIVE_SECONDS (how long the naive loop runs, default 30), BENCH_WARMUP (subscribers of a first, unmeasured
 * send, default 2,000, so that neither measured run pays for warming up this process: module loading and the JIT).
 */
import "./lib/quiet";
import * as Db from "../core/db";
import { listmonkLike, naiveLoop, type BaselineResult } from "./lib/baselines";
import { measureFloor, type Floor } from "./lib/floor";
import { runPipeline, type PipelineResult } from "./lib/pipeline";
import * as Requests from "./lib/requests";
import { fmt, table, writeResult } from "./lib/report";
import { seedSubscribers } from "./lib/seed";
import { freshStack } from "./lib/setup";

const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const SUBSCRIBERS = setting("BENCH_SUBSCRIBERS", 12_000);
const WORKERS = setting("BENCH_WORKERS", 8);
const RATE = setting("BENCH_RATE", 500);
const SAMPLE = setting("BENCH_BASELINE_SAMPLE", 3_500);
const NAIVE_SECONDS = setting("BENCH_NAIVE_SECONDS", 30);
const WARMUP = setting("BENCH_WARMUP", 2_000);

const n = (value: number) => fmt(value);
const started = performance.now();

console.log(`Warming up: ${n(WARMUP)} subscribers, not measured`);
await runPipeline({ subscribers: WARMUP, rate: Infinity, workers: WORKERS });
console.log(`Tidings, unlimited: ${n(SUBSCRIBERS)} subscribers, ${WORKERS} workers`);
const unlimited = await runPipeline({ subscribers: SUBSCRIBERS, rate: Infinity, workers: WORKERS });
console.log(`Tidings at ${RATE}/s: ${n(SUBSCRIBERS)} subscribers, ${WORKERS} workers`);
const paced = await runPipeline({ subscribers: SUBSCRIBERS, rate: RATE, workers: WORKERS });

console.log(`Baselines on ${n(SAMPLE)} subscribers`);
const { stack, digestId } = await freshStack();
let listmonk: BaselineResult;
let naive: BaselineResult;
let floor: Floor;
try {
  await seedSubscribers(SAMPLE);
  listmonk = await listmonkLike(stack, digestId);
  console.log(`  listmonk-like: ${n(listmonk.emails)} emails in ${listmonk.seconds.toFixed(1)} s`);
  naive = await naiveLoop(stack, digestId, NAIVE_SECONDS);
  console.log(`  naive loop: ${n(naive.emails)} emails in ${naive.seconds.toFixed(1)} s`);
  floor = await measureFloor(digestId);
  console.log(`  per email before bookkeeping: render ${floor.renderMs.toFixed(3)} ms, compose ${floor.composeMs.toFixed(2)} ms, SES call ${floor.sesCallMs.toFixed(2)} ms`);
} finally {
  await stack.stop();
}

type Row = { name: string; subscribers: number; result: PipelineResult | BaselineResult };
const rows: Row[] = [
  { name: "Tidings, SES rate unlimited", subscribers: SUBSCRIBERS, result: unlimited },
  { name: `Tidings, SES rate ${n(RATE)}/s`, subscribers: SUBSCRIBERS, result: paced },
  { name: "listmonk-like (10 workers × 10/s)", subscribers: SAMPLE, result: listmonk },
  { name: "naive loop (sequential, full render)", subscribers: SAMPLE, result: naive },
];
const per10k = (seconds: number, emails: number) => (seconds / emails) * 10_000;
const perEmail = (result: Row["result"], service: string) => Requests.total(result.requests, service) / result.emails;
const units = (result: Row["result"], kind: "write" | "read") => (result.requests[`dynamodb.${kind}Units`] ?? 0) / result.emails;
const tidingsCpuMs = (result: Row["result"]) => (result.cpuSeconds.tidings / result.emails) * 1000;
const cpuMs = (result: Row["result"]) => {
  const { tidings, dynamoDb, emulators } = result.cpuSeconds;
  return ((tidings + dynamoDb + emulators) / result.emails) * 1000;
};
const rss = (result: Row["result"]) => ("checks" in result ? result.peakRssMiB.tidings : result.peakRssMiB);

const speed = table(
  [
    "run",
    "subscribers",
    "emails",
    "send → last delivery recorded",
    "emails/s",
    "vs listmonk-like",
    "Tidings CPU ms/email",
    "DynamoDB requests/email",
    "write units/email",
    "read units/email",
    "SQS requests/email",
  ],
  rows.map(({ name, subscribers, result }) => [
    name,
    n(subscribers),
    n(result.emails),
    `${result.seconds.toFixed(1)} s`,
    fmt(result.emailsPerSecond, 1),
    `${fmt(result.emailsPerSecond / listmonk.emailsPerSecond, 2)}×`,
    fmt(tidingsCpuMs(result), 2),
    fmt(perEmail(result, "dynamodb"), 2),
    fmt(units(result, "write"), 2),
    fmt(units(result, "read"), 2),
    fmt(perEmail(result, "sqs"), 3),
  ]),
);
const cost = table(
  ["run", "CPU s / 10k emails: Tidings", "DynamoDB Local", "SES emulator + fauxqs", "all", "peak RSS MiB: Tidings", "DynamoDB Local", "emulators"],
  rows.map(({ name, result }) => {
    const { tidings, dynamoDb, emulators } = result.cpuSeconds;
    const full = "checks" in result;
    return [
      name,
      fmt(per10k(tidings, result.emails), 1),
      fmt(per10k(dynamoDb, result.emails), 1),
      fmt(per10k(emulators, result.emails), 1),
      fmt(per10k(tidings + dynamoDb + emulators, result.emails), 1),
      fmt(rss(result)),
      full ? fmt(result.peakRssMiB.dynamoDb) : "–",
      full ? fmt(result.peakRssMiB.emulators) : "–",
    ];
  }),
);
const operations = Object.entries(unlimited.requests)
  .filter(([operation]) => !operation.endsWith("Units"))
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([operation, count]) => `${operation} ${fmt(count / unlimited.emails, 3)}`)
  .join(", ");

// What bounds the local rate: every process shares the machine's cores, so the rate cannot pass
// cores / (CPU seconds per email of all of them together).
const cores = (await import("node:os")).cpus().length;
const ceiling = (cores * 1000) / cpuMs(unlimited);
const tidingsMs = (unlimited.cpuSeconds.tidings / unlimited.emails) * 1000;
const emulatorMs = (unlimited.cpuSeconds.emulators / unlimited.emails) * 1000;
const hundredThousand = (SUBSCRIBERS === 100_000 ? unlimited.seconds : (unlimited.seconds * 100_000) / SUBSCRIBERS) / 60;
const limitedBy =
  paced.emailsPerSecond >= RATE * 0.9
    ? `At ${n(RATE)}/s the send kept to the configured rate (${fmt(paced.emailsPerSecond, 0)}/s): SES's rate limits it, not Tidings.`
    : `At ${n(RATE)}/s the send reached ${fmt(paced.emailsPerSecond, 0)}/s, short of the rate: on this machine the CPU limits it, ` +
      `not the pacing. Every email costs ${fmt(cpuMs(unlimited), 1)} ms of CPU across all processes ` +
      `(Tidings ${fmt(tidingsMs, 1)} ms, DynamoDB Local ${fmt((unlimited.cpuSeconds.dynamoDb / unlimited.emails) * 1000, 1)} ms, ` +
      `the SES emulator and fauxqs ${fmt(emulatorMs, 1)} ms), so ${cores} cores ` +
      `cannot pass about ${fmt(ceiling, 0)} emails/s. What would lift it: more cores, since each process then gets its ` +
      `own; Tidings' share allows ${fmt(1000 / tidingsMs, 0)} emails/s per core (locally its workers share one Node ` +
      `thread; deployed, each Lambda has its own), while the SES emulator (which parses every message) and fauxqs ` +
      `share one Node thread, which caps them near ${fmt(1000 / emulatorMs, 0)} emails/s whatever the cores.`;

// What Tidings' process spends per email beyond rendering, composing and the SES call themselves.
const bookkeepingMs = tidingsMs - floor.renderMs - floor.composeMs - floor.sesCallMs;
const floorNote =
  `Of Tidings' ${fmt(tidingsMs, 2)} ms of CPU per email (unlimited run), measured apart in this run on the same digest ` +
  `and readers, one email after another: rendering the reader's copy from the prepared digest ${fmt(floor.renderMs, 3)} ms, ` +
  `composing its MIME with nodemailer ${fmt(floor.composeMs, 2)} ms (${fmt(floor.bytes / 1024, 1)} KiB), and the ` +
  `SendRawEmail call through the AWS SDK ${fmt(floor.sesCallMs, 2)} ms (signing, encoding, parsing the answer): every ` +
  `sender pays these, listmonk-like and naive loop included. The rest, ${fmt(bookkeepingMs, 2)} ms, is the ledger, ` +
  "the queue and the pacing (claims, records, reads of profiles and patrons, SQS).";

const retried = unlimited.retried + paced.retried;
const retriedNote = retried
  ? `${n(retried)} recipient(s) met a transient SES fault (their claim left to the lease) and were sent by the recovery ` +
    "sweep, run at once rather than after the 5-minute lease; still one email each. "
  : "";

writeResult({
  name: "send",
  title: "Send pipeline",
  figures: {
    settings: { subscribers: SUBSCRIBERS, workers: WORKERS, rate: RATE, baselineSample: SAMPLE, naiveSeconds: NAIVE_SECONDS, warmup: WARMUP, cores },
    unlimited,
    paced,
    listmonkLike: listmonk,
    naiveLoop: naive,
    floor,
    derived: {
      cpuMsPerEmail: cpuMs(unlimited),
      tidingsCpuMsPerEmail: tidingsMs,
      bookkeepingCpuMsPerEmail: bookkeepingMs,
      writeUnitsPerEmail: units(unlimited, "write"),
      readUnitsPerEmail: units(unlimited, "read"),
      localCeilingPerSecond: ceiling,
      minutesFor100k: hundredThousand,
    },
    benchSeconds: (performance.now() - started) / 1000,
  },
  markdown: `
A weekly digest sent to ${n(SUBSCRIBERS)} subscribers through the real local stack (DynamoDB Local 3.3.1, fauxqs,
the SES emulator; each run on a fresh one), from \`send\` until the last delivery is recorded and the digest is
\`sent\`, with ${WORKERS} send workers (SEND_CONCURRENCY) in one Node process and the stand-ins in their own
processes. One subscriber in eight follows only a topic with no article this week: planned and skipped, no email.
After each run every email is checked: one per eligible reader, none twice. A first send to ${n(WARMUP)} subscribers,
not measured, warms this process up (module loading, the JIT) for both runs. The baselines run on ${n(SAMPLE)} of the
same subscribers (the naive loop for ${NAIVE_SECONDS} s). \`BENCH_SUBSCRIBERS=100000 npm run bench -- send\` runs the
issue's full size; at the rate above, 100,000 subscribers take about ${fmt(hundredThousand, 1)} minutes per run.

${speed}

CPU and memory by process (CPU seconds per 10,000 emails; peak resident memory over the run):

${cost}

DynamoDB and SQS requests per email, Tidings unlimited: ${operations}. SES: one SendRawEmail per email. Write and
read units are DynamoDB's own accounting of each request (tables and indexes), except transactions, which DynamoDB
Local reports wrongly when they hold many items: those are worked out from the items written, 2 units per KB each
(bench/lib/requests.ts).

${floorNote}

${retriedNote}${limitedBy} Deployed, DynamoDB, SQS and SES do their work on AWS's machines: only Tidings' share runs in Lambda.
`,
});
// The AWS SDK's keep-alive sockets would hold the process open.
Db.resetClient();
process.exit(0);
