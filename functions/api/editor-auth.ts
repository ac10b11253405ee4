/**
 * Editor routes need `Authorization: Bearer <token>` matching one of the named `EDITOR_TOKENS` (`core/editors`),
 * of a scope that allows the route: each route declares the scope it needs with `editorSecurity("read")`,
 * `("send")` or `("admin")`, which is also its OpenAPI security mark. A missing or wrong token is 401 (and counts
 * against its network's failures), a token of too narrow a scope 403 `forbidden`. Every editor action is logged
 * with the token's name, never the token, and whom it was about as keyed hashes (`targets`), never an address;
 * what changed something, and every read of a person's data, also goes to the audit log (`Editors.Audit`).
 */
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import * as Editors from "../../core/editors";
import { VisibleError } from "../../core/errors";
import { log } from "../../core/log";
import { clientIp } from "./client-ip";

export type EditorEnv = { Variables: { editor: string; editorScope: Editors.EditorScope } };

function guard(needed: Editors.EditorScope) {
  return createMiddleware<EditorEnv>(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const presented = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const action = `${c.req.method} ${c.req.routePath}`;
    let editor: Editors.Editor;
    try {
      editor = await Editors.authenticate({ presented, ip: clientIp(c), action });
    } catch (error) {
      if (error instanceof VisibleError && error.kind === "unauthorized") {
        c.header("WWW-Authenticate", 'Bearer realm="tidings-editor"');
      }
      throw error;
    }
    if (!Editors.allows(editor.scope, needed)) {
      log.warn({ event: "editor.forbidden", editor: editor.name, scope: editor.scope, needed, action }, `${editor.name} may not ${action}`);
      throw new VisibleError("forbidden", "forbidden", `This token's scope (${editor.scope}) does not allow this; it needs ${needed}.`);
    }
    c.set("editor", editor.name);
    c.set("editorScope", editor.scope);
    await next();
    const targets = targetsOf(c);
    log.info(
      {
        event: "editor.action",
        editor: editor.name,
        scope: editor.scope,
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ...(targets.length > 0 && { targets }),
      },
      `${editor.name} ${action}`,
    );
    // The audit log keeps what was done (a refusal changed nothing; the log line above has it): what changed
    // something, and every read of a person's data (a target). A HEAD reads as a GET does (and changes nothing).
    const reads = c.req.method === "GET" || c.req.method === "HEAD";
    if (c.res.status < 400 && (!reads || targets.length > 0)) {
      const target = Editors.Audit.targetOf(c.req.param() as Record<string, string>, targets);
      // A read of someone's data that cannot be audited is not answered (the audit throws, the answer is a 500).
      const entry = { who: editor.name, via: "token" as const, action, ...(target && { target }), status: c.res.status };
      await Editors.Audit.record(entry, { required: reads });
    }
  });
}

/** The middleware of each scope, made once: the authorisation tests recognise editor routes by them. */
export const editorGuards: Record<Editors.EditorScope, MiddlewareHandler<EditorEnv>> = {
  read: guard("read"),
  send: guard("send"),
  admin: guard("admin"),
};

/**
 * The addresses an editor action was about, as keyed hashes: the `email` of the path, the query or the JSON body
 * (a subscriber looked up, previewed or granted a membership) and a test copy's `to`. Read from what the route's
 * validation accepted, so nothing unvalidated is hashed.
 */
function targetsOf(c: Context): string[] {
  const request = c.req as unknown as { valid(target: string): Record<string, unknown> | undefined };
  const valid = (target: "param" | "query" | "json") => request.valid(target);
  const found = [valid("param")?.email, valid("query")?.email, valid("json")?.email, valid("json")?.to].flat();
  const addresses = found.filter((value): value is string => typeof value === "string" && value.includes("@"));
  return [...new Set(addresses.map(Editors.targetHash))];
}

function scoped(scope: Editors.EditorScope) {
  return { security: [{ editorToken: [scope] }], middleware: editorGuards[scope] };
}

/**
 * The OpenAPI marks and guard of an editor route needing `scope`: `...editorSecurity("read")`. Spread as it is,
 * `...editorSecurity`, it is the strictest scope, `admin`, so a route written without naming one is guarded all
 * the same.
 */
export const editorSecurity = Object.assign(scoped, scoped("admin"));
