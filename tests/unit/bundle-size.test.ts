/**
 * The Lambda bundles' budgets, built exactly as sst.config.ts deploys them (scripts/bundle.ts): the code a cold
 * start loads (the entry and the chunks it imports statically) stays under 1 MB minified for the API (a reader's
 * request: the app without the editors' dashboard) and the send-worker, and under 1.25 MB for the dashboard's
 * function (the whole app); Stripe, the template engine, nodemailer and ECharts (the editors' charts) load only on demand; no
 * build-time tool (MJML, React, react-email) reaches a function; every bundle imports and exports its handler.
 * Sizes are deterministic; `npm run bench -- bundles` prints them with gzip sizes and import times.
 */
import { builtinModules } from "node:module";
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

  it("keeps what an API and a send-worker cold start load under 1 MB, the dashboard's under 1.25 MB; the send-worker has no Stripe at all", () => {
    expect(bytesOf(bundle("api").startup)).toBeLessThan(MB);
    expect(bytesOf(bundle("send-worker").startup)).toBeLessThan(MB);
    // The dashboard's function serves the whole app: the API's routes and the editors' pages.
    expect(bytesOf(bundle("dashboard").startup)).toBeLessThan(1.25 * MB);
    expect(packagesIn(bundle("send-worker"))).not.toContain("stripe");
  });

  it("loads Stripe, the template engine, nodemailer, SES's client and the charts' ECharts only on demand, Stripe only in the functions that call it", () => {
    const onDemandOnly = /node_modules\/(stripe|liquidjs|html-to-text|nodemailer|@aws-sdk\/client-ses|echarts|zrender)\//;
    for (const b of bundles) {
      expect([...startupPackages(b)].filter((input) => onDemandOnly.test(input)), b.name).toEqual([]);
    }
    const withStripe = bundles.filter((b) => packagesIn(b).has("stripe")).map((b) => b.name);
    expect(withStripe.sort()).toEqual(["api", "cron/reconcile", "dashboard"]);
  });

  it("carries no build-time tool: no MJML, React or react-email in any bundle", () => {
    for (const b of bundles) {
      expect([...packagesIn(b)].filter((name) => BUILD_TIME_ONLY.test(name)), b.name).toEqual([]);
    }
  });

  it("carries the pinned AWS SDK (nothing left to the runtime) and zod's English messages only", () => {
    for (const b of bundles) {
      const inputs = Object.keys(b.metafile.inputs);
      const external = Object.values(b.metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external));
      const builtin = (path: string) => builtinModules.includes(path.replace(/^node:/, ""));
      expect(external.filter((i) => !builtin(i.path)).map((i) => i.path), b.name).toEqual([]);
      expect(inputs.some((input) => input.includes("node_modules/@aws-sdk/client-dynamodb/")), b.name).toBe(true);
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
