/**
 * Editors' sessions: apart from readers' (a cookie of their own, records under the editor's partition). The
 * cookie's value is an `editor-session` token (`<editor key>~eds_…`, 12 hours at most); it is valid while its
 * record exists, the editor is still in `EDITORS` (their role read from it on every request, so removing someone
 * signs them out at once) and they were active in the last `IDLE_SECONDS`.
 */
import { randomBytes } from "node:crypto";
import type { EditorAccount } from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { log } from "../log";
import * as Tokens from "../tokens";
import { editorByKey } from "./signin";

/** Signed out after this long without a request. */
export const IDLE_SECONDS = 30 * 60;
/** However active, a session ends after this long (the token's lifetime and the cookie's Max-Age). */
export const SESSION_SECONDS = Tokens.lifetimes["editor-session"];
/** `lastSeenAt` moves at most this often (a write per request would be wasteful). */
const TOUCH_SECONDS = 60;

export interface SignedInEditor {
  account: EditorAccount;
  session: Db.EditorSessions.EditorSession;
}

export async function startSession(key: string, now = new Date()) {
  const session: Db.EditorSessions.EditorSession = {
    id: `eds_${randomBytes(16).toString("base64url")}`,
    editorKey: key,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + SESSION_SECONDS,
  };
  await Db.EditorSessions.put(session);
  log.info({ event: "editor.session_started", editorKey: key }, "editor signed in");
  return { session, cookie: Tokens.sign("editor-session", `${key}~${session.id}`, now) };
}

/** The editor and session a cookie stands for, or undefined (absent, forged, ended, idle, or no longer listed). */
export async function resume(cookie: string | undefined, now = new Date()): Promise<SignedInEditor | undefined> {
  const ids = parse(cookie, now);
  const account = ids && editorByKey(ids.key);
  if (!ids || !account) return undefined;
  const session = await Db.EditorSessions.get(ids.key, ids.sessionId, now);
  if (!session) return undefined;
  const idle = (now.getTime() - Date.parse(session.lastSeenAt)) / 1000;
  if (idle > IDLE_SECONDS) {
    await Db.EditorSessions.remove(ids.key, ids.sessionId);
    log.info({ event: "editor.session_idle", editorKey: ids.key }, "editor signed out after inactivity");
    return undefined;
  }
  if (idle > TOUCH_SECONDS) await Db.EditorSessions.touch(ids.key, ids.sessionId, now);
  return { account, session };
}

/** Ends the session a cookie names (signing out); harmless for anything else. */
export async function end(cookie: string | undefined, now = new Date()): Promise<void> {
  const ids = parse(cookie, now);
  if (!ids) return;
  await Db.EditorSessions.remove(ids.key, ids.sessionId);
  log.info({ event: "editor.session_ended", editorKey: ids.key }, "editor signed out");
}

function parse(cookie: string | undefined, now: Date) {
  if (!cookie) return undefined;
  let subject: string;
  try {
    subject = Tokens.verify(cookie, "editor-session", now).subject;
  } catch (error) {
    if (error instanceof VisibleError) return undefined;
    throw error;
  }
  const [key, sessionId, ...rest] = subject.split("~");
  return key && sessionId && rest.length === 0 ? { key, sessionId } : undefined;
}
