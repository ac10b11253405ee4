/**
 * The editors' view of subscribers: a page of them by status or topic, and one by address with their membership.
 * Editors see what a subscriber chose and agreed to, never the bookkeeping (versions, confirmation-email times).
 */
import * as Db from "../db";
import { VisibleError } from "../errors";
import type { Patron } from "../patrons/types";
import { signupExpired } from "./rules";
import type { Status, Subscriber } from "./types";

export type SubscriberView = ReturnType<typeof editorView>;

export function editorView(subscriber: Subscriber) {
  const { id, email, name, status, topics, frequency, pausedUntil, createdAt, updatedAt, confirmedAt, unsubscribedAt } = subscriber;
  const { language, suppressedAt, suppressedReason, consent } = subscriber;
  return { id, email, name, language, status, topics, frequency, pausedUntil, createdAt, updatedAt, confirmedAt, unsubscribedAt, suppressedAt, suppressedReason, consent };
}

function patronView(patron: Patron) {
  const { version, notice, ...rest } = patron;
  return rest;
}

/**
 * A page of subscribers: of a status (every status when none is given), or who follow `topic` (by choice: those
 * who follow no topic get every topic and are not listed under each).
 */
export async function list(options: { status?: Status; topic?: string; cursor?: string; limit?: number }) {
  const page = options.topic
    ? await Db.SubscriberLists.followersPage(options.topic, options)
    : await Db.SubscriberLists.page(options);
  return { subscribers: page.subscribers.map(editorView), cursor: page.cursor };
}

/** One subscriber by address, with their membership (`patron: null` for a reader who holds none); 404 for nobody. */
export async function byEmail(email: string) {
  const subscriber = await Db.Subscribers.getByEmail(email);
  if (!subscriber || signupExpired(subscriber)) {
    throw new VisibleError("not_found", "not_found", "No subscriber has this address.");
  }
  const patron = await Db.Patrons.get(subscriber.id);
  return { ...editorView(subscriber), patron: patron ? patronView(patron) : null };
}
