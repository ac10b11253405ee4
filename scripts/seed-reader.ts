/**
 * A demo reader for `npm start`'s seed: the subscriber with `email`, written (active, weekly, a seed's consent)
 * under `id` when there is none yet, as signing up and confirming would leave them. Answers their id, the existing
 * one when the address is already taken (the seed runs at every start).
 */
import * as Db from "../core/db";
import type { Subscriber } from "../core/subscribers/types";

export async function demoReader(reader: { id: string; email: string; joinedAt: string } & Partial<Subscriber>): Promise<string> {
  const existing = await Db.Subscribers.getByEmail(reader.email);
  if (existing) return existing.id;
  const { joinedAt: at, ...rest } = reader;
  await Db.Subscribers.save({
    status: "active",
    topics: [],
    frequency: "weekly",
    createdAt: at,
    updatedAt: at,
    confirmedAt: at,
    consent: { requestedAt: at, confirmedAt: at, source: "seed", textVersion: "seed" },
    confirmationsSentAt: [],
    version: 1,
    ...rest,
  });
  return reader.id;
}
