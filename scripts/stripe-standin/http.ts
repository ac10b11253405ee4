/** The stand-in's HTTP plumbing: Stripe's form encoding, its list pages and error bodies, reading and writing. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { newId } from "./objects";

/** One page of a list, the way Stripe paginates (`limit`, `starting_after`, `has_more`). */
export function page<T extends { id: string }>(all: T[], query: Record<string, unknown>, url: string) {
  const limit = Math.min(Number(query.limit ?? 10), 100);
  const after = query.starting_after as string | undefined;
  const from = after ? all.findIndex((item) => item.id === after) + 1 : 0;
  const data = all.slice(from, from + limit);
  return { object: "list", url, has_more: from + limit < all.length, data };
}

export function apiError(type: string, message: string, extra: Record<string, unknown> = {}) {
  return { error: { type, message, ...extra } };
}

export const missing = (what: string, id: string) =>
  apiError("invalid_request_error", `No such ${what}: '${id}'`, { code: "resource_missing", param: "id" });

export function writeJson(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { "content-type": "application/json", "request-id": `req_${newId("fake")}` });
  res.end(text);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Stripe's form encoding (`a[b][0][c]=v`) back into objects and arrays. */
export function parseForm(text: string): Record<string, unknown> {
  const root: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.split(/\[|\]\[|\]/).filter((part) => part !== "");
    let node: any = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = node[part] ??= /^\d+$/.test(path[i + 1]!) ? [] : {};
    });
  }
  return root;
}
