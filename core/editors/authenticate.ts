/**
 * Who presents an editor token: its name and scope, or a refusal. Tokens are compared as SHA-256 digests in
 * constant time against every configured token (no early exit), so timing says nothing about which one nearly
 * matched.
 *
 * Failed attempts (no token, or a wrong one) are logged under a keyed hash of the caller's network, never with
 * what was presented, and counted per network: past `FAILURES.perNetwork` in a window, every editor request from
 * that network is refused 429 until the window ends, its token not even compared. Refusing a right token too is
 * what makes the limit limit guessing (a guess that happened to be right would otherwise get through); the price
 * is that someone sharing a network with editors can lock them out for up to one window.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { log } from "../log";
import { hashIp } from "../subscribers/signup";

/** Failed editor authentications one network may make per window; then 429 for every editor request from it. */
export const FAILURES = { perNetwork: 20, windowSeconds: 15 * 60 };
const LIMIT_NAME = "editor-auth-failed";

export interface Editor {
  /** The token's name from `EDITOR_TOKENS`: what logs show. */
  name: string;
  scope: Config.EditorScope;
}

export interface Attempt {
  /** The bearer token presented, if any. */
  presented: string | undefined;
  ip: string;
  /** What was asked, for the log (`GET /api/stats`). */
  action: string;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** The editor whose token this is, or undefined (compares with every configured token). */
export function editorFor(presented: string): Editor | undefined {
  const given = digest(presented);
  let match: Editor | undefined;
  for (const { name, scope, token } of Config.requireEditorTokens()) {
    if (timingSafeEqual(digest(token), given) && match === undefined) match = { name, scope };
  }
  return match;
}

/**
 * The editor presenting `attempt.presented`. Throws a 401 `VisibleError` for a missing or wrong token, and a 429
 * (with `retryAfterSeconds`) while the caller's network is past its failures.
 */
export async function authenticate(attempt: Attempt, now = new Date()): Promise<Editor> {
  const network = hashIp(attempt.ip);
  const editor = attempt.presented ? editorFor(attempt.presented) : undefined;
  const { perNetwork, windowSeconds } = FAILURES;
  const limited = editor
    ? await Db.RateLimits.check(LIMIT_NAME, network, perNetwork, windowSeconds, now)
    : await Db.RateLimits.hit(LIMIT_NAME, network, perNetwork, windowSeconds, now);
  if (editor && limited.allowed) return editor;

  const reason = editor ? "network_limited" : attempt.presented ? "wrong_token" : "no_token";
  log.warn(
    { event: "editor.auth_failed", reason, network, action: attempt.action, limited: !limited.allowed },
    `editor authentication failed (${reason}): ${attempt.action}`,
  );
  if (!limited.allowed) {
    throw new VisibleError("rate_limited", "rate_limited", "Too many failed editor authentications from this network. Try again later.", {
      retryAfterSeconds: limited.retryAfterSeconds,
    });
  }
  throw new VisibleError("unauthorized", "unauthorized", "An editor token is required: Authorization: Bearer <token>.");
}
