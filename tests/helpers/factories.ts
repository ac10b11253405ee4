/** Factories with overrides, writing straight to the table (arrange quickly; act through the real code). */
import { randomUUID } from "node:crypto";
import * as Db from "../../core/db";
import type { Subscriber } from "../../core/subscribers";

let counter = 0;

export function makeSubscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  const at = new Date().toISOString();
  const id = overrides.id ?? `sub_t${(counter++).toString(36).padStart(6, "0")}${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  return {
    id,
    email: `${id.toLowerCase()}@example.com`,
    status: "active",
    topics: [],
    frequency: "weekly",
    createdAt: at,
    updatedAt: at,
    confirmedAt: at,
    consent: { requestedAt: at, confirmedAt: at, source: "test", textVersion: "test" },
    confirmationsSentAt: [],
    version: 1,
    ...overrides,
  };
}

export async function saveSubscriber(overrides: Partial<Subscriber> = {}): Promise<Subscriber> {
  const subscriber = makeSubscriber(overrides);
  await Db.Subscribers.save(subscriber);
  return subscriber;
}

/** Saves many subscribers, a few dozen at a time. */
export async function saveSubscribers(list: Array<Partial<Subscriber>>): Promise<Subscriber[]> {
  const saved: Subscriber[] = [];
  for (let i = 0; i < list.length; i += 50) {
    saved.push(...(await Promise.all(list.slice(i, i + 50).map(saveSubscriber))));
  }
  return saved;
}
