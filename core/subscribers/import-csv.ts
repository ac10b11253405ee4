/**
 * Reading an import file: CSV (RFC 4180, through csv-parse), UTF-8, a header row naming the columns in any order.
 * What is wrong with the file as a whole (no header, an unknown or missing column, too many lines) is refused
 * before anything is written; what is wrong with one line is reported with its line number and the rest goes on.
 */
import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used
import { VisibleError } from "../errors";
import { TOPIC_ID } from "../topics/types";
import * as Input from "./input";
import { frequencies, statuses, type Frequency } from "./types";

/** Columns an import reads. `email` and `consented_at` are required; `language` is one of `LANGUAGES`. */
export const IMPORT_COLUMNS = ["email", "name", "topics", "frequency", "language", "consented_at"] as const;
/** Columns the export adds: `status` is read (only `active` rows are imported), the others are ignored. */
export const EXPORT_COLUMNS = [...IMPORT_COLUMNS, "status", "consent_source", "created_at"] as const;
/** Topics in one cell, by id: `climate|housing`. */
export const TOPIC_SEPARATOR = "|";
/** Data lines in one import; a longer list is split into several files. */
export const MAX_LINES = 25_000;

export interface ImportRow {
  line: number;
  email: string;
  /** Absent: keep what is stored (or none, for someone new). */
  name?: string;
  topics?: string[];
  frequency?: Frequency;
  language?: string;
  consentedAt: string;
}

export interface LineProblem {
  line: number;
  message: string;
}

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`: a name a stranger typed at sign-up) is
 * written with a leading `'`, which spreadsheets show as text; an import takes it off again.
 */
export const defuse = (value: string) => (/^[=+\-@]/.test(value) ? `'${value}` : value);
export const undefuse = (value: string) => (/^'[=+\-@]/.test(value) ? value.slice(1) : value);

const blank = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value.trim());

const consentedAt = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: "must be a date (2026-01-31) or an ISO time" })
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value).toISOString())
  .refine((value) => Date.parse(value) <= Date.now() + 24 * 60 * 60 * 1000, "must not be in the future");

const row = z.object({
  email: Input.email,
  name: Input.name.optional(),
  topics: z
    .array(z.string().regex(TOPIC_ID, `must be topic ids separated by ${TOPIC_SEPARATOR}`))
    .max(50)
    .optional(),
  frequency: z.enum(frequencies, { error: `must be ${frequencies.join(" or ")}` }).optional(),
  language: Input.language.optional(),
  consented_at: consentedAt,
});

/**
 * Parses an import file into rows, line problems (with the line each record starts on) and skipped lines (a
 * `status` other than `active`: exported unsubscribers stay unsubscribed).
 */
export async function parseImport(text: string): Promise<{ rows: ImportRow[]; errors: LineProblem[]; skips: LineProblem[] }> {
  // Loaded on demand: imports are rare, and the API's cold start carries only what most requests use.
  const { parse } = await import("csv-parse/sync");
  const errors: LineProblem[] = [];
  const records = parse(text.replace(/\r\n?/g, "\n"), {
    bom: true,
    info: true,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error, raw) => {
      // An unclosed quote swallows the rest of the file: say where it opened.
      const inside = (raw ?? "").replace(/^\n+/, "").replace(/\n$/, "");
      const line = Number(error?.lines ?? 0) - (inside.match(/\n/g)?.length ?? 0);
      const rest = error?.code === "CSV_QUOTE_NOT_CLOSED" ? "; no line after it was read" : "";
      errors.push({ line, message: `${error?.message ?? "unreadable CSV"}${rest}` });
      return undefined;
    },
  }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  const lines = records
    .map(({ record, info }) => ({ record, line: info.lines - record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0) }))
    .filter(({ record }) => record.some((field) => field.trim() !== ""));
  const header = lines.shift();
  if (!header) throw new VisibleError("invalid", "invalid_request", "The file is empty: a header row and one line per subscriber are needed.");
  const columns = header.record.map((name) => name.trim().toLowerCase());
  assertColumns(columns);
  if (lines.length > MAX_LINES) {
    throw new VisibleError("too_large", "too_large", `At most ${MAX_LINES} lines per import: split the file.`);
  }

  const rows: ImportRow[] = [];
  const skips: LineProblem[] = [];
  for (const { record, line } of lines) {
    if (record.length > columns.length) {
      errors.push({ line, message: `${record.length} fields, but the header names ${columns.length} columns` });
      continue;
    }
    const cell = (name: string) => {
      const value = blank(record[columns.indexOf(name)]);
      return value && undefuse(value);
    };
    const status = cell("status")?.toLowerCase();
    if (status && status !== "active") {
      skips.push({ line, message: statuses.includes(status as never) ? `${status} in the file: not imported` : `unknown status "${status}"` });
      continue;
    }
    const parsed = row.safeParse({
      email: cell("email") ?? "",
      name: cell("name"),
      topics: cell("topics")
        ?.split(TOPIC_SEPARATOR)
        .map((topic) => topic.trim())
        .filter(Boolean),
      frequency: cell("frequency")?.toLowerCase(),
      language: cell("language"),
      consented_at: cell("consented_at") ?? "",
    });
    if (!parsed.success) {
      errors.push({ line, message: parsed.error.issues.map((issue) => `${issue.path.join(".") || "line"}: ${issue.message}`).join("; ") });
      continue;
    }
    const { consented_at, ...fields } = parsed.data;
    rows.push({ line, ...fields, name: fields.name || undefined, consentedAt: consented_at });
  }
  return { rows, errors, skips };
}

function assertColumns(columns: string[]) {
  const known = new Set<string>(EXPORT_COLUMNS);
  const unknown = columns.filter((name) => !known.has(name));
  const repeated = columns.filter((name, i) => columns.indexOf(name) !== i);
  const missing = ["email", "consented_at"].filter((name) => !columns.includes(name));
  if (unknown.length || repeated.length || missing.length) {
    const fields: Record<string, string> = {};
    if (unknown.length) fields.header = `unknown column(s): ${unknown.join(", ")}; known: ${EXPORT_COLUMNS.join(", ")}`;
    else if (repeated.length) fields.header = `repeated column(s): ${[...new Set(repeated)].join(", ")}`;
    else fields.header = `missing column(s): ${missing.join(", ")}`;
    throw new VisibleError("invalid", "invalid_request", "The header row is not one we can import (line 1).", { fields });
  }
}
