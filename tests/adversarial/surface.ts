/**
 * The app's attack surface, read from the app itself so that a new route is covered without anyone listing it:
 * every operation of `/openapi.json` with what it takes (path and query parameters, body media types and
 * schema) and who may call it — editor routes by the document's `security`, session routes by the session
 * middleware registered on them (`requireSession`, `optionalSession`, `checkOrigin` in `core/api/session.ts`).
 * Also: a snapshot of the table (to prove a refused request changed nothing), and the checks of raw emails.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { simpleParser } from "mailparser";
import { app } from "../../functions/api/app";
import { editorGuards } from "../../functions/api/editor-auth";
import type { EditorScope } from "../../core/config";
import { checkOrigin, optionalSession, requireSession } from "../../functions/api/session";
import { requireAdmin, requireEditor } from "../../functions/api/editor-session";
import { db } from "../../core/db/client";

/** `editor-session` / `editor-admin`: the dashboard's pages, behind an editor's (or an admin's) session cookie. */
export type Guard = "editor" | "session" | "optional-session" | "origin" | "editor-session" | "editor-admin";

export interface Operation {
  method: string;
  /** As OpenAPI writes it: `/api/topics/{id}`. */
  path: string;
  params: Array<{ name: string; in: "path" | "query" | "header" }>;
  /** Media types of the request body, if it takes one. */
  bodyTypes: string[];
  /** The JSON Schema of the body's first media type. */
  bodySchema?: JsonSchema;
  guards: Set<Guard>;
  /** Editor routes: the scope their OpenAPI security mark names, and the one their registered guard checks. */
  editorScope?: { documented?: EditorScope; registered?: EditorScope };
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  maxLength?: number;
  format?: string;
  pattern?: string;
}

export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const toOpenApiPath = (honoPath: string) => honoPath.replace(/:(\w+)/g, "{$1}");

/** The session and editor middleware on each method and path, as registered in the router. */
function registeredGuards(): { guards: Map<string, Set<Guard>>; scopes: Map<string, EditorScope> } {
  const editorScopes = new Map<unknown, EditorScope>(
    Object.entries(editorGuards).map(([scope, guard]) => [guard, scope as EditorScope]),
  );
  const byHandler = new Map<unknown, Guard>([
    ...[...editorScopes.keys()].map((guard) => [guard, "editor"] as const),
    [requireSession, "session"],
    [optionalSession, "optional-session"],
    [checkOrigin, "origin"],
    [requireEditor, "editor-session"],
    [requireAdmin, "editor-admin"],
  ]);
  const guards = new Map<string, Set<Guard>>();
  const scopes = new Map<string, EditorScope>();
  for (const route of app.routes) {
    const guard = byHandler.get(route.handler);
    if (!guard) continue;
    const key = `${route.method} ${toOpenApiPath(route.path)}`;
    guards.set(key, (guards.get(key) ?? new Set()).add(guard));
    const scope = editorScopes.get(route.handler);
    if (scope) scopes.set(key, scope);
  }
  return { guards, scopes };
}

/** Every operation of the OpenAPI document the app serves, with its guards. */
export async function operations(): Promise<Operation[]> {
  const doc = (await (await app.request("/openapi.json")).json()) as {
    paths: Record<string, Record<string, any>>;
  };
  const { guards, scopes } = registeredGuards();
  const found: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      const content = (op.requestBody?.content ?? {}) as Record<string, { schema?: JsonSchema }>;
      const key = `${method.toUpperCase()} ${path}`;
      const registered = guards.get(key) ?? new Set<Guard>();
      const editorMark = (op.security ?? []).find((s: Record<string, unknown>) => "editorToken" in s) as
        | { editorToken: EditorScope[] }
        | undefined;
      if (editorMark) registered.add("editor");
      found.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p: { name: string; in: "path" | "query" | "header" }) => ({
          name: p.name,
          in: p.in,
        })),
        bodyTypes: Object.keys(content),
        bodySchema: Object.values(content)[0]?.schema,
        guards: registered,
        ...(registered.has("editor") && {
          editorScope: { documented: editorMark?.editorToken[0], registered: scopes.get(key) },
        }),
      });
    }
  }
  return found;
}

/** Routes served but not in the OpenAPI document (the document itself, its viewer and the script starting it). */
export const UNDOCUMENTED = ["/openapi.json", "/docs", "/docs/init.js"];

export type Snapshot = Map<string, string>;

/**
 * Every item of the test file's table, by key. Rate-limit counters are left out: counting a refused request
 * is their purpose (a flood of bad requests must still use up the caller's allowance). So is the audit log, which
 * records every editor action that went through, a no-op too (the per-request write watch still sees its writes).
 */
export async function snapshot(): Promise<Snapshot> {
  const items: Snapshot = new Map();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new ScanCommand({ TableName: process.env.TABLE_NAME, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) {
      // Counters of requests, and the audit log, which records every editor action (a no-op too) by design.
      if (item.entity === "rate-limit" || item.entity === "audit") continue;
      items.set(`${item.pk}|${item.sk}`, JSON.stringify(item, Object.keys(item).sort()));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const WRITES = new Set([
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "TransactWriteItemsCommand",
  "BatchWriteItemCommand",
]);
let watched: string[] | undefined;

/**
 * Watches the writes this process's DynamoDB client makes and DynamoDB accepts (a refused conditional write
 * changes nothing and is not one), so a change can be pinned on the request that made it without a scan after
 * every request; the scans then confirm it. Rate-limit counters are left out, as in `snapshot`. `take()` answers
 * the writes since the last `take()`.
 */
export function watchWrites(): { take(): string[] } {
  if (!watched) {
    watched = [];
    db().middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const input = args.input as {
          Key?: unknown;
          Item?: unknown;
          ExpressionAttributeValues?: Record<string, unknown>;
        };
        // The document client's input (plain values) or, below it, the marshalled one (`{ S: … }`).
        const entity = input.ExpressionAttributeValues?.[":entity"] as string | { S?: string } | undefined;
        const rateLimit = entity === "rate-limit" || (typeof entity === "object" && entity?.S === "rate-limit");
        if (WRITES.has(context.commandName ?? "") && !rateLimit) {
          watched!.push(`${context.commandName} ${JSON.stringify(input.Key ?? input.Item ?? input).slice(0, 200)}`);
        }
        return result;
      },
      { step: "initialize", name: "adversarialWriteWatch" },
    );
  }
  return {
    take: () => watched!.splice(0),
  };
}

/** What changed between two snapshots, as readable lines (empty when nothing did). */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const lines: string[] = [];
  for (const [key, value] of after) {
    if (!before.has(key)) lines.push(`added ${key}`);
    else if (before.get(key) !== value) lines.push(`changed ${key}`);
  }
  for (const key of before.keys()) if (!after.has(key)) lines.push(`removed ${key}`);
  return lines;
}

/**
 * The header-injection problems of one raw MIME message: a bare CR or LF, or a NUL, in its header block (or any
 * part's), or a CR/LF in a header value once parsed. Empty when the message is clean.
 */
export async function headerProblems(raw: Buffer): Promise<string[]> {
  const problems: string[] = [];
  const text = raw.toString("latin1");
  // Every header block: the message's and each MIME part's (a part starts after a boundary line).
  for (const block of headerBlocks(text)) {
    const lines = block.split("\r\n");
    for (const line of lines) {
      if (/[\r\n\0]/.test(line))
        problems.push(`bare CR, LF or NUL in header line ${JSON.stringify(line.slice(0, 80))}`);
    }
    for (const [i, line] of lines.entries()) {
      if (i > 0 && line !== "" && !/^[\t ]/.test(line) && !/^[!-9;-~]+:/.test(line)) {
        problems.push(`a header line that is neither a field nor a continuation: ${JSON.stringify(line.slice(0, 80))}`);
      }
    }
  }
  const parsed = await simpleParser(raw);
  for (const [name, value] of parsed.headers) {
    // A structured value (addresses, parameters) is checked in its JSON form, where CR, LF and NUL show escaped.
    const bad = typeof value === "string" ? /[\r\n\0]/.test(value) : /\\[rn]|\\u0000/.test(JSON.stringify(value));
    if (bad) problems.push(`${name} carries CR, LF or NUL after parsing: ${JSON.stringify(value).slice(0, 120)}`);
  }
  if (parsed.subject && /[\r\n]/.test(parsed.subject)) problems.push(`Subject carries CR/LF: ${parsed.subject}`);
  return problems;
}

function headerBlocks(text: string): string[] {
  const blocks: string[] = [];
  const end = text.indexOf("\r\n\r\n");
  blocks.push(end === -1 ? text : text.slice(0, end));
  const boundaries = [...text.matchAll(/boundary="?([^";\r\n]+)"?/gi)].map((m) => m[1]!);
  for (const boundary of boundaries) {
    for (const part of text.split(`--${boundary}\r\n`).slice(1)) {
      const partEnd = part.indexOf("\r\n\r\n");
      if (partEnd !== -1) blocks.push(part.slice(0, partEnd));
    }
  }
  return blocks;
}
