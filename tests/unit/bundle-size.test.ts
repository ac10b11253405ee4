/**
 * The Lambda bundles' budgets, built exactly as sst.config.ts deploys them (scripts/bundle.ts): the code a cold
 * start loads stays under 1 MB minified, Stripe loads only where it is called, no build-time tool (MJML, React,
 * react-email) reaches a function, and every bundle imports and exports its handler. Sizes are deterministic;
 * `npm run bench -- bundles` prints them with gzip sizes and import times.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildAll, bytesOf, importFresh, packagesIn, type Bundle } from "../../scripts/bundle";

const MB = 1_000_000;
/** Packages that are build-time only: templates are compiled by MJML before bundling; react-email is benchmarked. */
const BUILD_TIME_ONLY = /^(mjml|mjml-.*|react|react-dom|@react-email\/.*|html-minifier.*|juice|esbuild)$/;

let bundles: Bundle[];
const bundle = (name: string) => {
  const found = bundles.find((b) => b.name === name);
  if (!found) throw new Error(`no function ${name}`);
  return found;
};
const startupPackages = (b: Bundle) =>
  new Set(b.startup.flatMap((chunk) => Object.keys(chunk.inputs)).filter((input) => input.includes("node_modules/")));

beforeAll(async () => {
  bundles = await buildAll("deployed", "test");
}, 300_000);

describe("Lambda bundles, as deployed", () => {
  it("builds every function in functions/", () => {
    expect(bundles.map((b) => b.name).sort()).toEqual(
      expect.arrayContaining(["api", "send-worker", "ses-events", "cron/daily-digest", "cron/reconcile"]),
    );
  });

  it("keeps what an API cold start loads under 1 MB", () => {
    expect(bytesOf(bundle("api").startup)).toBeLessThan(MB);
  });

  it("keeps the whole send-worker (a send loads every chunk of it) under 1 MB, without Stripe", () => {
    const worker = bundle("send-worker");
    expect(bytesOf([...worker.startup, ...worker.onDemand])).toBeLessThan(MB);
    expect(packagesIn(worker)).not.toContain("stripe");
  });

  it("loads Stripe only on demand, and only in the functions that call it", () => {
    for (const b of bundles) {
      expect([...startupPackages(b)].some((input) => input.includes("node_modules/stripe/")), b.name).toBe(false);
    }
    const withStripe = bundles.filter((b) => packagesIn(b).has("stripe")).map((b) => b.name);
    expect(withStripe.sort()).toEqual(["api", "cron/reconcile"]);
  });

  it("carries no build-time tool: no MJML, React or react-email in any bundle", () => {
    for (const b of bundles) {
      expect([...packagesIn(b)].filter((name) => BUILD_TIME_ONLY.test(name)), b.name).toEqual([]);
    }
  });

  it("takes the AWS SDK from the Lambda runtime and zod's English messages only", () => {
    for (const b of bundles) {
      const inputs = Object.keys(b.metafile.inputs);
      expect(inputs.filter((input) => /node_modules\/@(aws-sdk|smithy)\//.test(input)), b.name).toEqual([]);
      const locales = inputs.filter((input) => /node_modules\/zod\/v4\/locales\/(?!index)/.test(input));
      if (packagesIn(b).has("zod")) expect(locales, b.name).toEqual(["node_modules/zod/v4/locales/en.js"]);
    }
  });

  it("imports in a fresh Node process and exports a handler, for every function", () => {
    for (const b of bundles) {
      expect(importFresh(b.entry.file).handler, b.name).toBe(true);
    }
  }, 120_000);
});
