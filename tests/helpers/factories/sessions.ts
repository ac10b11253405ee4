/** A signed-in subscriber: a real session, started by the app's own session code (`SignIn.Sessions.start`). */
import * as Db from "../../../core/db";
import * as SignIn from "../../../core/signin";
import type { Subscriber } from "../../../core/subscribers";
import { saveSubscriber } from "./subscribers";
import { request } from "../http";

export interface SignedIn {
  /** The subscriber's id and address. */
  id: string;
  email: string;
  sessionId: string;
  /** The session cookie's value. */
  cookie: string;
  /** `<name>=<value>`, for a Cookie header. */
  header: string;
  /** A request in process with the cookie and our own Origin (or `origin`); a body is sent as JSON. */
  call: (method: string, path: string, json?: unknown, origin?: string) => Promise<Response>;
  /** `call("POST", path, json)`. */
  post: (path: string, json?: unknown) => Promise<Response>;
}

/**
 * Starts a session for an existing subscriber (given by id) or for a new one (given by overrides, saved first),
 * and answers what a signed-in browser would hold.
 */
export async function signedIn(who: string | Partial<Subscriber> = {}): Promise<SignedIn> {
  const subscriber = typeof who === "string" ? await Db.Subscribers.get(who) : await saveSubscriber(who);
  if (!subscriber) throw new Error(`no subscriber ${String(who)}`);
  const { session, cookie } = await SignIn.Sessions.start(subscriber.id);
  const header = `${SignIn.COOKIE}=${cookie}`;
  const origin = new URL(process.env.PUBLIC_URL!).origin;
  const call = async (method: string, path: string, json?: unknown, from = origin) =>
    request(path, {
      method,
      headers: { cookie: header, origin: from, ...(json !== undefined && { "content-type": "application/json" }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
  return { id: subscriber.id, email: subscriber.email, sessionId: session.id, cookie, header, call, post: (path, json) => call("POST", path, json) };
}
