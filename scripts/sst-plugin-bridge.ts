/**
 * How SST really runs `nodejs.plugins`, reproduced so that a bundle built here takes the same path as one built by
 * `sst deploy`. SST bundles with esbuild's Go API, not in Node, so it cannot hand a JavaScript plugin to esbuild.
 * Instead (sst/sst `pkg/runtime/node/plugin.go`) it registers one plugin with an `onResolve` and an `onLoad` of
 * filter `.*` on every namespace, starts `node .sst/platform/functions/nodejs-runtime/plugin.mjs <plugins file>`,
 * and sends each resolve and load to that script as a line of JSON. The script (`sstPluginScript()` below, the
 * very text SST runs) has the plugins register on a stub and, for each message, calls every callback whose
 * `filter` matches `msg.path`, a field the messages do not have: every filter is tested against the string
 * "undefined" and `namespace` is never looked at. The answer comes back through Go's type assertions: a number
 * (`pluginData`, an error's `detail`) arrives as a float and fails them, and `onEnd` callbacks never run.
 *
 * `sstBridge()` is that Go plugin ported line by line onto esbuild's JavaScript API (the same esbuild core), driving
 * the same script. What a build through it accepts, SST's build accepts; what SST's build rejects (a plugin that
 * trusts its filter or its namespace), it rejects too.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Loader, Message, OnLoadResult, OnResolveResult, PartialMessage, Plugin } from "esbuild";
import { embeddedText, ROOT } from "./sst-platform";

/** The script as `sst install` writes it beside the app, when it has been run here. */
const INSTALLED = join(ROOT, ".sst", "platform", "functions", "nodejs-runtime", "plugin.mjs");
/** Where the script taken from the SST binary is written for Node to run. */
const EXTRACTED = join(ROOT, "node_modules", ".cache", "sst-plugin-bridge", "plugin.mjs");

/**
 * SST's `plugin.mjs`: from `.sst/platform` when `sst install` has run, else the copy embedded in the installed SST
 * CLI binary, which is the platform code the pinned SST version really runs.
 */
export function sstPluginScript(): string {
  if (existsSync(INSTALLED)) return INSTALLED;
  const text = embeddedText(
    'import { createInterface } from "readline";',
    "const plugins = await import(process.argv[2]);",
    "\n  });\n});\n",
  );
  mkdirSync(dirname(EXTRACTED), { recursive: true });
  if (!existsSync(EXTRACTED) || readFileSync(EXTRACTED, "utf8") !== text) writeFileSync(EXTRACTED, text);
  return EXTRACTED;
}

/** Go's `loaderMap` (pkg/runtime/node): loader names an answer may give. */
const LOADERS = new Set<string>([
  "base64",
  "binary",
  "copy",
  "css",
  "dataurl",
  "default",
  "empty",
  "file",
  "js",
  "json",
  "jsx",
  "local-css",
  "global-css",
  "text",
  "ts",
  "tsx",
]);

type Reply = Record<string, unknown>;

/**
 * The plugin SST's Go code registers for `nodejs.plugins: pluginsFile` (a path relative to the app), run through
 * SST's own script. Answers are read as Go reads them: a field Go would fail to convert fails the build here too.
 */
export function sstBridge(pluginsFile: string, script = sstPluginScript()): Plugin {
  return {
    name: "nodejs-plugin",
    setup(build) {
      const child = spawn(process.execPath, [script, resolve(ROOT, pluginsFile)], {
        cwd: ROOT,
        stdio: ["pipe", "pipe", "pipe"],
      });
      const pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
      let stderr = "";
      let next = 0;
      child.stderr.on("data", (chunk) => (stderr += chunk));
      createInterface({ input: child.stdout }).on("line", (line) => {
        const { id, value } = JSON.parse(line) as { id: number; value: Reply };
        pending.get(id)?.resolve(value);
        pending.delete(id);
      });
      // SST would wait for ever on a script that died (an exception in a plugin's callback); here the build fails.
      child.on("exit", (code) => {
        for (const { reject } of pending.values())
          reject(new Error(`SST's plugin script exited (${code}): ${stderr.trim()}`));
        pending.clear();
      });
      const request = (command: string, value: Reply) =>
        new Promise<Reply>((resolveReply, reject) => {
          const id = next++;
          pending.set(id, { resolve: resolveReply, reject });
          child.stdin.write(JSON.stringify({ id, command, value }) + "\n");
        });

      build.onResolve({ filter: /.*/ }, async (args): Promise<OnResolveResult> => {
        const reply = await request("resolve", {
          path: args.path,
          importer: args.importer,
          namespace: args.namespace,
          resolveDir: args.resolveDir,
          kind: args.kind,
          pluginData: args.pluginData ?? null,
          with: args.with,
        });
        return {
          ...common(reply),
          ...field(reply, "path", "string"),
          ...field(reply, "namespace", "string"),
          ...field(reply, "suffix", "string"),
          ...field(reply, "external", "boolean"),
          ...field(reply, "sideEffects", "boolean"),
        };
      });
      build.onLoad({ filter: /.*/ }, async (args): Promise<OnLoadResult> => {
        const reply = await request("load", {
          path: args.path,
          namespace: args.namespace,
          suffix: args.suffix,
          pluginData: args.pluginData ?? null,
          with: args.with,
        });
        const loader = field(reply, "loader", "string").loader as string | undefined;
        return {
          ...common(reply),
          ...field(reply, "contents", "string"),
          ...field(reply, "resolveDir", "string"),
          // Go maps an unknown loader name to its zero value, esbuild's "none" (the loader is then chosen as usual).
          ...(loader && LOADERS.has(loader) ? { loader: loader as Loader } : {}),
        };
      });
      // Go builds the onEnd request and never sends it: plugins' onEnd callbacks do not run under SST.
      build.onDispose(() => {
        child.stdin.end();
        child.kill();
      });
    },
  };
}

/** What both answers may carry, converted as `plugin.go` converts it. */
function common(reply: Reply): Partial<OnResolveResult & OnLoadResult> {
  if ("error" in reply) throw new Error(asGo(reply.error, "string", "error") as string);
  if ("pluginData" in reply) throw goPanic("pluginData", "int");
  if ("errors" in reply || "warnings" in reply) {
    const messages = ((reply.errors ?? reply.warnings) as PartialMessage[] | Message[]) ?? [];
    // decodeMessages asserts `detail` to int, which a JSON number never is in Go: any message panics.
    if (messages.length) throw goPanic("errors[].detail", "int");
  }
  return {
    ...field(reply, "pluginName", "string"),
    ...("watchFiles" in reply ? { watchFiles: strings(reply.watchFiles, "watchFiles") } : {}),
    ...("watchDirs" in reply ? { watchDirs: strings(reply.watchDirs, "watchDirs") } : {}),
  };
}

function field(reply: Reply, name: string, type: "string" | "boolean"): Reply {
  return name in reply ? { [name]: asGo(reply[name], type, name) } : {};
}

function strings(value: unknown, name: string): string[] {
  if (!Array.isArray(value)) throw goPanic(name, "[]interface{}");
  return value.map((item) => asGo(item, "string", name) as string);
}

function asGo(value: unknown, type: "string" | "boolean", name: string): unknown {
  if (typeof value !== type) throw goPanic(name, type === "boolean" ? "bool" : type);
  return value;
}

const goPanic = (name: string, type: string) =>
  new Error(
    `SST's build would panic: its Go bridge asserts the plugin's \`${name}\` to ${type}, which this answer is not`,
  );
