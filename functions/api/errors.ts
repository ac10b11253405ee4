/**
 * The one place errors become answers. A `VisibleError` or bad input is the caller's to fix (4xx, saying what);
 * anything else is our fault: logged with its details, answered with a generic 500 that leaks nothing.
 * Pages (everything outside `/api`, `/webhooks`, `/healthz`) get an HTML page; the rest get the JSON error shape,
 * except a browser's own request to `/api` (a no-JavaScript form posting to `/api/subscribe` or `/api/login`), which
 * gets the page too: a reader must never be left looking at JSON.
 *
 * The JSON errors stay in English whatever the reader's language: they are for programs, which act on `code` (and
 * developers read `message`). The page speaks the reader's language (`views/error.tsx`, the `errors` catalogue).
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { VisibleError } from "../../core/errors";
import { log } from "../../core/log";
import { ErrorPage } from "./views/error";

export function fieldsOf(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.join(".") || "body"] ??= issue.message;
  return fields;
}

export function invalidRequest(error: ZodError): VisibleError {
  return new VisibleError("invalid", "invalid_request", "The request is not valid; see the fields.", {
    fields: fieldsOf(error),
  });
}

function toVisible(error: unknown): VisibleError | undefined {
  if (error instanceof VisibleError) return error;
  if (error instanceof ZodError) return invalidRequest(error);
  if (error instanceof HTTPException) {
    if (error.status === 413) return new VisibleError("too_large", "too_large", "The request body is too large.");
    if (error.status === 415) {
      return new VisibleError("unsupported", "unsupported_media_type", "Send JSON or a form (see /openapi.json).");
    }
    if (error.status === 400) return new VisibleError("invalid", "invalid_request", "The request body is malformed.");
    if (error.status === 401) return new VisibleError("unauthorized", "unauthorized", "Missing or invalid credentials.");
    if (error.status === 404) return new VisibleError("not_found", "not_found", "Nothing is here.");
  }
  return undefined;
}

/** A browser navigating (or posting a form) asks for HTML first; API clients and `fetch` don't. */
export const browserAsks = (c: Context) => /^\s*text\/html/i.test(c.req.header("accept") ?? "");

/** Whether an answer to this request is JSON (the API's, a webhook's, health), not a page. */
export function wantsJson(c: Context): boolean {
  const path = c.req.path;
  if (path.startsWith("/webhooks/") || path === "/healthz") return true;
  return path.startsWith("/api/") && !browserAsks(c);
}

/** A path as logged: a segment holding an address (`/editor/subscribers/{email}`, encoded or not) is left out. */
const withoutAddresses = (path: string) => path.replace(/[^/]*(@|%40)[^/]*/gi, "[address]");

export function onError(error: unknown, c: Context) {
  const visible = toVisible(error);
  if (!visible) {
    log.error({ err: error, method: c.req.method, path: withoutAddresses(c.req.path) }, "request failed");
  }
  const answer = visible ?? new VisibleError("invalid", "internal", "Something went wrong on our side. Please try again.");
  const status = (visible ? visible.status : 500) as ContentfulStatusCode;
  if (visible?.details?.retryAfterSeconds !== undefined) c.header("Retry-After", String(visible.details.retryAfterSeconds));
  if (wantsJson(c)) {
    const fields = answer.details?.fields;
    return c.json({ error: { code: answer.code, message: answer.message, ...(fields && { fields }) } }, status);
  }
  const page = ErrorPage({
    status,
    code: answer.code,
    message: answer.message,
    fields: answer.details?.fields,
    retryAfterSeconds: answer.details?.retryAfterSeconds,
  });
  return c.html(page, status);
}

export function notFound(c: Context) {
  return onError(new VisibleError("not_found", "not_found", "There is nothing at this address."), c);
}
