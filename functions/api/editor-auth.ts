/**
 * Editor routes need `Authorization: Bearer <token>` matching one of the named `EDITOR_TOKENS`. Tokens are
 * compared as SHA-256 digests in constant time, against every configured token (no early exit), so timing says
 * nothing about which one nearly matched. Every editor action is logged with the token's name, never the token.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createMiddleware } from "hono/factory";
import * as Config from "../../core/config";
import { VisibleError } from "../../core/errors";
import { log } from "../../core/log";

export type EditorEnv = { Variables: { editor: string } };

const digest = (value: string) => createHash("sha256").update(value).digest();

/** The name of the editor whose token this is, or undefined. */
export function editorFor(presented: string): string | undefined {
  const given = digest(presented);
  let match: string | undefined;
  for (const { name, token } of Config.requireEditorTokens()) {
    if (timingSafeEqual(digest(token), given) && match === undefined) match = name;
  }
  return match;
}

export const requireEditor = createMiddleware<EditorEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const presented = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const editor = presented ? editorFor(presented) : undefined;
  if (!editor) {
    c.header("WWW-Authenticate", 'Bearer realm="tidings-editor"');
    throw new VisibleError("unauthorized", "unauthorized", "An editor token is required: Authorization: Bearer <token>.");
  }
  c.set("editor", editor);
  await next();
  log.info(
    { event: "editor.action", editor, method: c.req.method, route: c.req.routePath, status: c.res.status },
    `${editor} ${c.req.method} ${c.req.routePath}`,
  );
});

/** The OpenAPI marks of an editor route. */
export const editorSecurity = { security: [{ editorToken: [] }], middleware: requireEditor };
