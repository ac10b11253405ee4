/**
 * How every Lambda is bundled, in one place: `sst.config.ts` deploys with `nodejs` below, and the bundle-size
 * test and the bundles benchmark build with `build()`, which turns the same settings into the esbuild options
 * SST's Node runtime uses (sst/sst `pkg/runtime/node/build.go`): platform node, ESM (`.mjs`), target esnext,
 * `mainFields` module then main, `keepNames`, a banner that gives ESM a `require`, `__filename` and `__dirname`,
 * no source map when deployed, `sharp` and `pg-native` always external; minified unless `minify: false`; and the
 * plugins of `nodejs.plugins` run through SST's own Node bridge (scripts/sst-plugin-bridge.ts), as `sst deploy`
 * runs them. So what the test holds to a budget is what is deployed.
 *
 * No top-level import of esbuild: sst.config.ts imports this module for `nodejs` alone.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { BuildOptions, Metafile } from "esbuild";

export const ROOT = resolve(import.meta.dirname, "..");

/**
 * Where bundles are built: inside node_modules, so that a bundle's imports of what it leaves external (the AWS SDK
 * of the `sdk-external` variant) resolve to the repository's copy, as they would to the runtime's on Lambda.
 */
export const OUT = join(ROOT, "node_modules", ".cache", "tidings-bundles");

/**
 * What the `sdk-external` variant leaves out: the AWS SDK v3 that the Lambda Node.js runtimes ship. Deployed
 * bundles carry the SDK instead: its version is then the one package-lock.json pins and the tests run against, and
 * a cold start imports it faster from one bundled file than from the runtime's hundreds of files (see
 * BENCHMARKS.md, "Cold start and bundle size").
 */
export const RUNTIME_PROVIDED = ["@aws-sdk/*"];

/**
 * `nodejs` of every function in sst.config.ts. `splitting`: modules loaded with `await import()` go to chunks of
 * their own, loaded when first needed (Stripe only where Stripe is called, the email templates when an email is
 * rendered, nodemailer when one is sent), so a cold start parses only what every request needs. `plugins`: see
 * scripts/bundle-plugins.mjs.
 */
export const nodejs = {
  format: "esm" as const,
  minify: true,
  splitting: true,
  plugins: "scripts/bundle-plugins.mjs",
};

/**
 * The variants the benchmark compares. `deployed`: what sst.config.ts deploys. `sst-defaults`: SST with no
 * `nodejs` settings (minified, one file, all of zod). `sdk-external`: deployed, but the AWS SDK left to the
 * runtime. `unminified`: deployed, unminified.
 */
export type Variant = "deployed" | "sst-defaults" | "sdk-external" | "unminified";

/** What SST forces external, whatever the settings. */
const SST_EXTERNAL = ["sharp", "pg-native"];

const BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join("\n");

/** The API function's HTTP layer (the Hono app, its routes and views): modules `functions/api.ts` imports, not entries. */
const HTTP_LAYER = "functions/api";

/**
 * Every Lambda entry point: `functions/**.ts` outside the API's HTTP layer, by name (`api`, `send-worker`,
 * `cron/reconcile`, …).
 */
export function functionEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const item of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, item.name);
      if (item.isDirectory()) {
        if (path !== HTTP_LAYER) walk(path);
      } else if (item.name.endsWith(".ts")) entries[path.slice("functions/".length, -3)] = join(ROOT, path);
    }
  };
  walk("functions");
  return entries;
}

/** The esbuild options SST would use for `entry` with the `nodejs` settings (changed by `variant`), but the plugins. */
export function esbuildOptions(entry: string, outdir: string, variant: Variant = "deployed"): BuildOptions {
  const defaults = variant === "sst-defaults";
  const minify = variant !== "unminified";
  const splitting = !defaults && nodejs.splitting;
  const external = [...SST_EXTERNAL, ...(variant === "sdk-external" ? RUNTIME_PROVIDED : [])];
  return {
    entryPoints: [entry],
    platform: "node",
    format: nodejs.format,
    target: "esnext",
    mainFields: ["module", "main"],
    bundle: true,
    keepNames: true,
    splitting,
    ...(splitting ? { outdir, outExtension: { ".js": ".mjs" } } : { outfile: join(outdir, "index.mjs") }),
    minify,
    sourcemap: false,
    external,
    banner: { js: BANNER },
    metafile: true,
    write: true,
    logLevel: "error",
    absWorkingDir: ROOT,
  };
}

/** One output file: its size, and the source files and packages that went into it. */
export interface Chunk {
  file: string;
  bytes: number;
  /** By input path (`node_modules/zod/…`, `functions/api/app.ts`), bytes in this file. */
  inputs: Record<string, number>;
}

export interface Bundle {
  name: string;
  variant: Variant;
  outdir: string;
  /** The file Lambda imports. */
  entry: Chunk;
  /** The entry and every chunk it imports statically: what a cold start loads and parses. */
  startup: Chunk[];
  /** Chunks loaded only by `await import()`, when first needed. */
  onDemand: Chunk[];
  metafile: Metafile;
}

/** Builds one function's bundle into `outdir` (emptied by the caller) and sorts its chunks into startup and on demand. */
export async function build(name: string, entry: string, outdir: string, variant: Variant = "deployed"): Promise<Bundle> {
  const esbuild = await import("esbuild");
  // The plugins run as SST runs them: through its Node bridge, never handed to esbuild directly.
  const { sstBridge } = await import("./sst-plugin-bridge");
  const plugins = variant === "sst-defaults" ? [] : [sstBridge(nodejs.plugins)];
  const result = await esbuild.build({ ...esbuildOptions(entry, outdir, variant), plugins });
  const metafile = result.metafile!;
  const chunk = (file: string): Chunk => {
    const output = metafile.outputs[file]!;
    const inputs = Object.fromEntries(Object.entries(output.inputs).map(([path, input]) => [path, input.bytesInOutput]));
    return { file: resolve(ROOT, file), bytes: output.bytes, inputs };
  };
  const files = Object.keys(metafile.outputs).filter((file) => file.endsWith(".mjs"));
  // With splitting, every module loaded by `import()` is an entry point of its own: find the function's.
  const entryFile = files.find((file) => metafile.outputs[file]!.entryPoint === relative(ROOT, entry))!;
  const startup = new Set<string>();
  const visit = (file: string) => {
    if (startup.has(file)) return;
    startup.add(file);
    for (const imported of metafile.outputs[file]!.imports) {
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
    }
  };
  visit(entryFile);
  return {
    name,
    variant,
    outdir,
    entry: chunk(entryFile),
    startup: [...startup].map(chunk),
    onDemand: files.filter((file) => !startup.has(file)).map(chunk),
    metafile,
  };
}

/** Bytes of a list of chunks. */
export const bytesOf = (chunks: Chunk[]) => chunks.reduce((sum, chunk) => sum + chunk.bytes, 0);

/** The package an input path belongs to (`zod`, `@hono/zod-openapi`), or its top folder for our own code (`functions/api`). */
export function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1]!;
  const path = relative(ROOT, resolve(ROOT, input));
  return path.split("/").slice(0, 2).join("/");
}

/** Bytes by package over some chunks, largest first. */
export function byPackage(chunks: Chunk[]): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const chunk of chunks) {
    for (const [input, bytes] of Object.entries(chunk.inputs)) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytes);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Every package whose code is anywhere in the bundle (startup or on demand), from the metafile's inputs. */
export function packagesIn(bundle: Bundle): Set<string> {
  return new Set(Object.keys(bundle.metafile.inputs).filter((input) => input.includes("node_modules/")).map(packageOf));
}

/** Builds every function (one at a time: the machine may be shared) into `OUT/<label>/<name>`, emptied first. */
export async function buildAll(variant: Variant, label: string = variant): Promise<Bundle[]> {
  const bundles: Bundle[] = [];
  for (const [name, entry] of Object.entries(functionEntries())) {
    const outdir = join(OUT, label, name);
    rmSync(outdir, { recursive: true, force: true });
    bundles.push(await build(name, entry, outdir, variant));
  }
  return bundles;
}

/**
 * Imports a bundle's entry in a fresh Node process, as a Lambda cold start does, and answers how long the import
 * took (ms, measured inside that process, so Node's own start is left out) and whether it exports `handler`.
 */
export function importFresh(file: string): { ms: number; handler: boolean } {
  const script =
    `const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    `process.stdout.write(JSON.stringify({ ms: performance.now() - t, handler: typeof m.handler === "function" }));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  if (run.status !== 0) throw new Error(`importing ${file} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { ms: number; handler: boolean };
}
