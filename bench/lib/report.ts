/**
 * What every benchmark writes: `bench/results/<name>.json` (the figures, for machines) and
 * `bench/results/<name>.md` (a section of BENCHMARKS.md, for people). `bench/run.ts` puts the sections together.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

export const RESULTS = join(import.meta.dirname, "..", "results");

/** Where and when the figures were measured: written with every result. */
export function machine() {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

export interface BenchResult {
  /** File name and key: `render`, `send`, `webhooks`, `bundles`. */
  name: string;
  /** The section's heading in BENCHMARKS.md. */
  title: string;
  /** Everything measured, as numbers and labels. */
  figures: Record<string, unknown>;
  /** The section's body in BENCHMARKS.md: what was measured, how, the table of figures, the ratios. */
  markdown: string;
}

export function writeResult(result: BenchResult): void {
  mkdirSync(RESULTS, { recursive: true });
  const json = { name: result.name, title: result.title, machine: machine(), figures: result.figures };
  writeFileSync(join(RESULTS, `${result.name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(RESULTS, `${result.name}.md`), `## ${result.title}\n\n${result.markdown.trim()}\n`);
  console.log(`\n${result.title}\n${result.markdown.trim()}\n`);
}

/** A Markdown table from a header row and rows of cells. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** `1234.5` → `"1,235"`; `digits` keeps decimals. */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
