/**
 * `npm run bench`: every benchmark in `bench/*.bench.ts`, one after another, each in a fresh Node process (so one
 * cannot warm or slow the next), then BENCHMARKS.md from their sections. `npm run bench -- render send` runs
 * only those (BENCHMARKS.md keeps the other sections from their last run); `npm run bench -- --report` runs none
 * and writes BENCHMARKS.md again from the last results (and `bench/scale.md`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { machine, RESULTS } from "./lib/report";

const here = import.meta.dirname;
/** The order of BENCHMARKS.md; a benchmark not listed here runs after these. */
const ORDER = ["render", "send", "webhooks", "bundles"];
const all = readdirSync(here)
  .filter((file) => file.endsWith(".bench.ts"))
  .map((file) => file.replace(/\.bench\.ts$/, ""))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const reportOnly = process.argv.includes("--report");
const wanted = process.argv.slice(2).filter((name) => name !== "--report");
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length) {
  console.error(`No such benchmark: ${unknown.join(", ")} (there are: ${all.join(", ")})`);
  process.exit(2);
}

const started = Date.now();
const failed: string[] = [];
for (const name of reportOnly ? [] : wanted.length ? wanted : all) {
  console.log(`\n=== ${name} ===`);
  const run = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", join(here, `${name}.bench.ts`)], {
    stdio: "inherit",
    env: process.env,
  });
  if (run.status !== 0) failed.push(name);
}
const minutes = (Date.now() - started) / 60_000;

const sections = all
  .map((name) => join(RESULTS, `${name}.md`))
  .filter((file) => existsSync(file))
  .map((file) => readFileSync(file, "utf8").trim());
const host = machine();
const head = readFileSync(join(here, "README.md"), "utf8").split("<!-- results -->")[0]!.trim();
const paper = existsSync(join(here, "scale.md")) ? readFileSync(join(here, "scale.md"), "utf8").trim() : "";
writeFileSync(
  join(here, "..", "BENCHMARKS.md"),
  `${[
    head,
    `Latest figures: \`npm run bench\` on ${host.date.slice(0, 10)}, ${host.cores} × ${host.cpu}, ` +
      `${host.memoryGiB} GiB, Node ${host.node} (${host.platform})` +
      (reportOnly ? ". " : `; the whole run took ${minutes.toFixed(1)} minutes. `) +
      "Each benchmark's raw figures are in `bench/results/<name>.json`.",
    ...sections,
    paper,
  ]
    .filter(Boolean)
    .join("\n\n")}\n`,
);
console.log(`\nBENCHMARKS.md written (${minutes.toFixed(1)} minutes).`);
if (failed.length) {
  console.error(`Failed: ${failed.join(", ")}`);
  process.exit(1);
}

function rank(name: string): number {
  const index = ORDER.indexOf(name);
  return index === -1 ? ORDER.length : index;
}
