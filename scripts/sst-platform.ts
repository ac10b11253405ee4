/**
 * The SST platform code that `sst deploy` really runs, read from the pinned SST CLI. The CLI embeds its platform
 * (the components' TypeScript, the Node runtime's scripts) as text; `sst install` writes it to `.sst/platform`,
 * which needs the network. Reading it from the binary npm installed lets tests check this project against the
 * exact SST version it deploys with: the plugin bridge (scripts/sst-plugin-bridge.ts) and every component's
 * documented arguments (tests/helpers/sst-args.ts).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..");

/** The SST CLI binary npm installed for this machine (an optional dependency of the `sst` package). */
export function sstBinary(): string {
  const require = createRequire(join(ROOT, "package.json"));
  const pkg = require.resolve(`sst-${process.platform}-${process.arch}/package.json`);
  return join(dirname(pkg), "bin", "sst");
}

let binary: Buffer | undefined;
const bytes = () => (binary ??= readFileSync(sstBinary()));

/** The text of the embedded file that holds `marker`, from `start` (its first line) through `end` (its last). */
export function embeddedText(start: string, marker: string, end: string): string {
  const data = bytes();
  const at = data.indexOf(marker);
  if (at < 0) throw new Error(`"${marker}" is not in ${sstBinary()}: has SST changed?`);
  const from = data.lastIndexOf(start, at);
  const to = data.indexOf(end, at);
  if (from < 0 || to < 0) throw new Error(`the file holding "${marker}" could not be delimited in ${sstBinary()}`);
  return data.subarray(from, to + end.length).toString("utf8");
}

/**
 * The source of the component registered as `pulumiType` (`sst:aws:Queue`): the text from the end of the file
 * before it to the line that registers it. It may start with the tail of a file that is not a component; what is
 * declared nearest the registration is the component's own.
 */
export function componentSource(pulumiType: string): string {
  const data = bytes();
  const registration = `const __pulumiType = "${pulumiType}";`;
  const at = data.indexOf(registration);
  if (at < 0) throw new Error(`SST has no component ${pulumiType} in ${sstBinary()}`);
  const previous = data.lastIndexOf(".__pulumiType = __pulumiType;", at);
  return data
    .subarray(previous < 0 ? 0 : previous, at)
    .toString("utf8")
    .replace(/\0/g, "\n");
}

/** The esbuild version compiled into the SST CLI (its Go module path names it), which bundles every function. */
export function sstEsbuildVersion(): string {
  const data = bytes();
  const at = data.indexOf("github.com/evanw/esbuild@v");
  if (at < 0) throw new Error(`no esbuild module path in ${sstBinary()}`);
  const match = /^github\.com\/evanw\/esbuild@v(\d+\.\d+\.\d+)/.exec(data.subarray(at, at + 64).toString("latin1"));
  if (!match) throw new Error(`unreadable esbuild version in ${sstBinary()}`);
  return match[1]!;
}
