/**
 * Bundling goes through SST's plugin bridge as `sst deploy` runs it (scripts/sst-plugin-bridge.ts: SST's Go plugin
 * ported onto esbuild's API, driving the `plugin.mjs` taken from the installed SST binary). These tests pin down
 * how that bridge behaves, so that a plugin which works in esbuild but not under SST fails here, and show that the
 * project's own plugins take effect through it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuildOptions, Plugin } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { esbuildOptions, ROOT } from "../../scripts/bundle";
import { sstEsbuildVersion } from "../../scripts/sst-platform";
import { sstBridge, sstPluginScript } from "../../scripts/sst-plugin-bridge";

const ENTRY = join(ROOT, "tests/fixtures/bundle/entry.ts");
const out = mkdtempSync(join(tmpdir(), "tidings-bridge-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

let builds = 0;
async function bundle(plugins: Plugin[]) {
  const esbuild = await import("esbuild");
  const options: BuildOptions = { ...esbuildOptions(ENTRY, join(out, String(builds++))), plugins, logLevel: "silent" };
  return esbuild.build(options);
}
const inputs = (result: { metafile?: { inputs: Record<string, unknown> } }) => Object.keys(result.metafile!.inputs);
const zodLocales = (result: { metafile?: { inputs: Record<string, unknown> } }) =>
  inputs(result).filter((input) => /node_modules\/zod\/v4\/locales\/(?!index)/.test(input));

describe("SST's plugin bridge", () => {
  it("runs the script SST itself runs: the plugin.mjs embedded in the pinned SST CLI", () => {
    const script = readFileSync(sstPluginScript(), "utf8");
    expect(script).toContain("const plugins = await import(process.argv[2]);");
    // The quirk everything below follows from: filters are tested against a field the messages do not have.
    expect(script).toContain("new RegExp(options.filter).test(msg.path)");
  });

  it("bundles with the esbuild version the pinned SST CLI has compiled in", async () => {
    const { version } = await import("esbuild");
    expect(version).toBe(sstEsbuildVersion());
  });

  it("builds with the project's plugins and keeps only zod's English messages", async () => {
    const result = await bundle([sstBridge("scripts/bundle-plugins.mjs")]);
    expect(inputs(result)).toContain("scripts/zod-locales-en.mjs");
    expect(zodLocales(result)).toEqual(["node_modules/zod/v4/locales/en.js"]);
    const withoutPlugins = await bundle([]);
    expect(zodLocales(withoutPlugins).length).toBeGreaterThan(40);
  });

  it("fails, as `sst deploy` did, with a plugin that loads in a namespace of its own (fine in plain esbuild)", async () => {
    const plugin = "tests/fixtures/bundle/namespaced-plugin.mjs";
    const direct = await bundle((await import(join(ROOT, plugin))).default);
    expect(zodLocales(direct)).toEqual(["node_modules/zod/v4/locales/en.js"]);
    await expect(bundle([sstBridge(plugin)])).rejects.toThrow(/Could not resolve "\.\/en\.js"/);
  });

  it("never calls a callback whose filter matches only module paths", async () => {
    // The fixture would resolve zod to a file that does not exist: the build succeeds because it never runs.
    const result = await bundle([sstBridge("tests/fixtures/bundle/path-filter-plugin.mjs")]);
    expect(inputs(result).some((input) => input.startsWith("node_modules/zod/"))).toBe(true);
  });

  it("fails where SST's Go code would panic: a plugin answering with pluginData", async () => {
    await expect(bundle([sstBridge("tests/fixtures/bundle/plugin-data-plugin.mjs")])).rejects.toThrow(/pluginData/);
  });
});
