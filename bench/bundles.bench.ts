/**
 * Cold start and size: every Lambda built as deployed (scripts/bundle.ts, the settings sst.config.ts deploys),
 * as deployed but with the AWS SDK left to the Lambda runtime, and as SST builds it with no settings (one minified
 * file, all of zod inside), side by side. Per function: the bytes a cold start loads (gzipped, as in the zip), the
 * chunks loaded on demand, and the import time in a fresh Node process (median of several spawns, the variants taking turns; an external SDK
 * is imported from node_modules, as Lambda imports it from the runtime). The budgets are held by
 * tests/unit/bundle-size.test.ts.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { buildAll, byPackage, bytesOf, importFresh, type Bundle, type Chunk } from "../scripts/bundle";
import { fmt, table, writeResult } from "./lib/report";

const SPAWNS = 7;

const kb = (bytes: number) => fmt(bytes / 1000);
const gzipped = (chunks: Chunk[]) => chunks.reduce((sum, chunk) => sum + gzipSync(readFileSync(chunk.file)).length, 0);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Median import time of each bundle's entry, each import in a fresh process. The variants take turns, round after
 * round, so a machine that gets busier or quieter meanwhile affects them alike.
 */
function importMs(bundles: Bundle[]): number[] {
  const times: number[][] = bundles.map(() => []);
  for (let round = 0; round < SPAWNS; round++) {
    bundles.forEach((bundle, i) => {
      const { ms, handler } = importFresh(bundle.entry.file);
      if (!handler) throw new Error(`${bundle.name} (${bundle.variant}) exports no handler`);
      times[i]!.push(ms);
    });
  }
  return times.map(median);
}

console.log("building every function as deployed, with the SDK left to the runtime, unminified, and with SST's defaults…");
const deployed = await buildAll("deployed", "bench");
const sdkExternal = await buildAll("sdk-external", "bench-sdk-external");
const unminified = await buildAll("unminified", "bench-unminified");
const defaults = await buildAll("sst-defaults", "bench-sst-defaults");
const twin = (list: Bundle[], name: string) => list.find((b) => b.name === name)!;

const rows = deployed.map((bundle) => {
  const plain = twin(defaults, bundle.name);
  const runtimeSdk = twin(sdkExternal, bundle.name);
  console.log(`importing ${bundle.name} (${SPAWNS} fresh processes per variant)…`);
  const [deployedMs, sdkExternalMs, sstDefaultsMs] = importMs([bundle, runtimeSdk, plain]);
  return {
    name: bundle.name,
    startupBytes: bytesOf(bundle.startup),
    startupGzip: gzipped(bundle.startup),
    onDemandBytes: bytesOf(bundle.onDemand),
    importMs: deployedMs!,
    sdkExternalBytes: bytesOf(runtimeSdk.startup),
    sdkExternalImportMs: sdkExternalMs!,
    unminifiedBytes: bytesOf(twin(unminified, bundle.name).startup),
    sstDefaultsBytes: bytesOf(plain.startup),
    sstDefaultsGzip: gzipped(plain.startup),
    sstDefaultsImportMs: sstDefaultsMs!,
  };
});

const api = twin(deployed, "api");
const apiPackages = (bundle: Bundle) => new Map(byPackage(bundle.startup));
const [apiNow, apiBefore] = [apiPackages(api), apiPackages(twin(defaults, "api"))];
const heaviest = [...apiBefore].slice(0, 10).map(([name]) => name);

writeResult({
  name: "bundles",
  title: "Cold start and bundle size",
  figures: {
    spawns: SPAWNS,
    functions: rows,
    apiPackages: Object.fromEntries(heaviest.map((name) => [name, { deployed: apiNow.get(name) ?? 0, sstDefaults: apiBefore.get(name)! }])),
    apiOnDemand: api.onDemand.map((chunk) => ({ bytes: chunk.bytes, packages: byPackage([chunk]).slice(0, 3).map(([name]) => name) })),
  },
  markdown: `
Every Lambda in \`functions/\` bundled with esbuild exactly as \`sst.config.ts\` deploys it (\`scripts/bundle.ts\`:
SST's Node build options, ESM, minified, code splitting, zod's English messages only, the pinned AWS SDK inside)
and, beside it, the same with the AWS SDK left to the Lambda runtime, and SST with no \`nodejs\` settings (one
minified file, everything inside). "Cold start" is the entry file and the chunks it imports statically: what
Lambda loads before the first event; "on demand" chunks load on first use (Stripe, in the API only on membership
routes and webhooks; the template engine when an email or digest is first rendered; nodemailer on the first send).
Import time: median of ${SPAWNS} imports, each in a fresh Node ${process.version} process, the three builds taking
turns.
Sizes in KB (1,000 bytes). Budgets (\`tests/unit/bundle-size.test.ts\`): API and send-worker cold
start < 1 MB, no Stripe in the send-worker, no MJML or React anywhere.

${table(
  ["Function", "Cold start KB", "gzip KB", "On demand KB", "Import ms", "SDK from runtime: KB", "Import ms", "SST defaults: KB", "gzip KB", "Import ms", "Smaller", "Faster", "Unminified KB"],
  rows.map((r) => [
    r.name,
    kb(r.startupBytes),
    kb(r.startupGzip),
    kb(r.onDemandBytes),
    fmt(r.importMs, 1),
    kb(r.sdkExternalBytes),
    fmt(r.sdkExternalImportMs, 1),
    kb(r.sstDefaultsBytes),
    kb(r.sstDefaultsGzip),
    fmt(r.sstDefaultsImportMs, 1),
    `${fmt(r.sstDefaultsBytes / r.startupBytes, 1)}×`,
    `${fmt(r.sstDefaultsImportMs / r.importMs, 1)}×`,
    kb(r.unminifiedBytes),
  ]),
)}

What an API cold start loads, by package (KB), the ten heaviest with SST's defaults:

${table(
  ["Package", "SST defaults", "Deployed"],
  heaviest.map((name) => [name, kb(apiBefore.get(name)!), kb(apiNow.get(name) ?? 0)]),
)}

"Smaller" and "Faster" compare the deployed cold start with SST's defaults. Leaving the AWS SDK to the runtime
(it ships SDK v3) would cut the bundles by a few hundred KB but not the cold start: the SDK is then imported from
hundreds of files instead of one bundled file (compare the two import columns), and its version would be the
runtime's rather than the one \`package-lock.json\` pins and the tests run against. So the deployed bundles carry it.
`,
});
