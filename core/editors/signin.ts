/**
 * Editors sign in to the dashboard by an emailed link, if their address is in `EDITORS`. As for readers, the
 * request path does the same work for every address (a per-network count, one message on the transactional
 * queue) and answers the same; the transactional worker sends a link only to a listed editor, at most one a
 * minute and five an hour. A link lives 15 minutes and signs in once. Its token names the editor by a key derived
 * from their address (`editorKey`), not the address: the address stays out of URLs and logs.
 */
import { createHash, randomBytes } from "node:crypto";
import { loadTemplates } from "../../templates/load";
import * as Config from "../config";
import type { EditorAccount } from "../config";
import * as Db from "../db";
import type * as Email from "../email";
import { VisibleError } from "../errors";
import { log } from "../log";
import { hashIp } from "../subscribers/signup";
import * as Tokens from "../tokens";
import { enqueue } from "../transactional/enqueue";
import { startSession } from "./sessions";

export const EDITOR_SIGNIN = {
  /** Requests accepted from one network per hour; more get 429. */
  requestsPerIp: 20,
  /** Links to one editor per hour (and none within a minute of the last); more are not sent. */
  linksPerHour: 5,
} as const;

/** The stable key an editor's records and tokens go by: a hash of their address. */
export const editorKey = (email: string) =>
  createHash("sha256").update(`editor:${email.trim().toLowerCase()}`).digest("base64url").slice(0, 22);

/** The editor `EDITORS` lists with this key (or address), if any: their role is read afresh on every request. */
export function editorByKey(key: string): EditorAccount | undefined {
  return Config.get().EDITORS.find((account) => editorKey(account.email) === key);
}

/**
 * `POST /api/editor/login`: counts the request against the per-network limit, queues the address whatever it is.
 * The link's email is in `context.language`, the language of the page the editor asked from (the default without).
 */
export async function requestLink(email: string, context: { ip: string; language?: string }, now = new Date()): Promise<void> {
  const hour = 60 * 60;
  const perIp = await Db.RateLimits.hit("editor-signin-ip", hashIp(context.ip), EDITOR_SIGNIN.requestsPerIp, hour, now);
  if (!perIp.allowed) {
    throw new VisibleError("rate_limited", "rate_limited", "Too many sign-in requests from this network. Try again later.", {
      retryAfterSeconds: perIp.retryAfterSeconds,
    });
  }
  await enqueue({ kind: "editor-signin", email, ...(context.language && { language: Config.readerLanguage(context.language) }) });
}

/** The worker's part: emails a link (in `language`) if the address is an editor's, within the per-editor limits. */
export async function sendLink(
  email: string,
  send: (message: Email.Message) => Promise<unknown>,
  now = new Date(),
  language?: string,
): Promise<"sent" | "unknown" | "limited"> {
  const account = editorByKey(editorKey(email));
  if (!account) return "unknown";
  const key = editorKey(account.email);
  const [minute, hour] = await Promise.all([
    Db.RateLimits.hit("editor-signin-minute", key, 1, 60, now),
    Db.RateLimits.hit("editor-signin-hour", key, EDITOR_SIGNIN.linksPerHour, 60 * 60, now),
  ]);
  if (!minute.allowed || !hour.allowed) {
    log.info({ event: "editor.signin_requested", outcome: "limited", editorKey: key }, "dashboard sign-in link requested");
    return "limited";
  }
  const token = Tokens.sign("editor-signin", `${key}~${randomBytes(16).toString("base64url")}`, now);
  const { OUTLET_NAME: outletName, POSTAL_ADDRESS: postalAddress, PUBLIC_URL } = Config.get();
  const Templates = await loadTemplates();
  const signinUrl = `${PUBLIC_URL}/editor/signin?token=${encodeURIComponent(token)}`;
  await send({ to: account.email, ...Templates.editorSignin({ outletName, postalAddress, signinUrl, language: Config.readerLanguage(language) }) });
  log.info({ event: "editor.signin_requested", outcome: "sent", editorKey: key }, "dashboard sign-in link requested");
  return "sent";
}

/** The editor a link's token names (still listed), and its nonce; throws the `VisibleError` of a bad link. */
export function checkLink(token: string, now = new Date()): { account: EditorAccount; key: string; nonce: string; expiresAt: number } {
  const verified = Tokens.verify(token, "editor-signin", now);
  const [key, nonce, ...rest] = verified.subject.split("~");
  const account = key && nonce && rest.length === 0 ? editorByKey(key) : undefined;
  if (!account) throw new VisibleError("invalid", "invalid_token", "This sign-in link is not valid. Ask for a new one.");
  return { account, key: key!, nonce: nonce!, expiresAt: verified.expiresAt ?? Math.floor(now.getTime() / 1000) + 15 * 60 };
}

/** Uses a sign-in link (once) and starts a session: answers the editor and the session cookie's value. */
export async function redeem(token: string, now = new Date()) {
  const { account, key, nonce, expiresAt } = checkLink(token, now);
  if (!(await Db.EditorSessions.useLink(key, nonce, expiresAt, now))) {
    throw new VisibleError("invalid", "link_used", "This sign-in link was already used. Ask for a new one.");
  }
  return { account, ...(await startSession(key, now)) };
}
