import * as Db from "../db";
import type { Subscriber } from "../subscribers";
import { signupExpired } from "../subscribers/rules";
import { cannotSignIn } from "./rules";

/** The subscriber who may sign in as `id`, or undefined (unknown, an expired sign-up, erased). */
export async function signInable(id: string): Promise<Subscriber | undefined> {
  return allowed(await Db.Subscribers.get(id));
}

/** The same check for a subscriber already read (by email, which also answers expired sign-ups). */
export function allowed(subscriber: Subscriber | undefined, now = new Date()): Subscriber | undefined {
  if (!subscriber || cannotSignIn.includes(subscriber.status)) return undefined;
  if (signupExpired(subscriber, now)) return undefined;
  return subscriber;
}
