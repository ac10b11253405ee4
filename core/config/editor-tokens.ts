/**
 * `EDITOR_TOKENS`: the API's bearer tokens, `name:scope:token,…`. The name is what logs and the audit trail show
 * (never the token); the scope is what the token may do, `read` < `send` < `admin` (each allows what the ones
 * before it do). An entry without a scope, `name:token`, is `admin`: what every token could do before scopes, so
 * deployments configured then keep working. A token is at least 43 characters, 32 random bytes in base64url
 * (`node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`): too long to guess, even
 * before the per-network limit on failed attempts. A refusal names the entry by its position, never by what it
 * holds, as a malformed entry's "name" may be a pasted token.
 */
import * as z from "zod";

export const editorScopes = ["read", "send", "admin"] as const;
export type EditorScope = (typeof editorScopes)[number];

export interface EditorToken {
  name: string;
  scope: EditorScope;
  token: string;
}

/** 32 bytes in base64url, unpadded. */
export const EDITOR_TOKEN_MIN_LENGTH = 43;

const ENTRY = /^([\w.-]{1,64}):(?:(read|send|admin):)?([^\s,:]+)$/;

/** Whether a token of scope `held` may do what needs `needed`. */
export const allows = (held: EditorScope, needed: EditorScope): boolean =>
  editorScopes.indexOf(held) >= editorScopes.indexOf(needed);

export const editorTokens = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const entries = value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean);
    const tokens: EditorToken[] = [];
    for (const [i, entry] of entries.entries()) {
      const problem = (message: string) => ctx.addIssue({ code: "custom", message: `entry ${i + 1} ${message}` });
      const match = ENTRY.exec(entry);
      if (!match) {
        problem("is not name:scope:token (scope read, send or admin; name:token is admin)");
        continue;
      }
      const [, name, scope = "admin", token] = match as unknown as [string, string, EditorScope | undefined, string];
      if (token.length < EDITOR_TOKEN_MIN_LENGTH) {
        problem(`has a token shorter than ${EDITOR_TOKEN_MIN_LENGTH} characters (use 32 random bytes in base64url)`);
        continue;
      }
      // The name is how logs and rate limits tell tokens apart; one token with two scopes would be ambiguous.
      if (tokens.some((other) => other.name === name)) problem("repeats the name of an earlier entry");
      else if (tokens.some((other) => other.token === token)) problem("repeats the token of an earlier entry");
      else tokens.push({ name, scope, token });
    }
    return tokens;
  });
