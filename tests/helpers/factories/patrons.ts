/** Patrons: a membership record on a subscriber's partition, written straight to the table (`Db.Patrons.save`). */
import * as Db from "../../../core/db";
import type { Patron } from "../../../core/patrons";
import type { Subscriber } from "../../../core/subscribers";
import { saveSubscriber } from "./subscribers";

/** A patron record, active on the coffee tier unless told, of `subscriberId` (a patron is a subscriber). */
export function makePatron(overrides: Partial<Patron> & Pick<Patron, "subscriberId">): Patron {
  const at = new Date().toISOString();
  return { status: "active", tierId: "coffee", createdAt: at, updatedAt: at, version: 1, ...overrides };
}

/** Saves a patron record: of `subscriberId` when given, else of a new subscriber saved first. */
export async function savePatron(overrides: Partial<Patron> = {}): Promise<Patron> {
  const subscriberId = overrides.subscriberId ?? (await saveSubscriber()).id;
  const patron = makePatron({ ...overrides, subscriberId });
  await Db.Patrons.save(patron);
  return patron;
}

/** A new subscriber (of `subscriber`'s overrides) who is a patron (of `patron`'s): answers the subscriber. */
export async function savePatronSubscriber(patron: Partial<Patron> = {}, subscriber: Partial<Subscriber> = {}): Promise<Subscriber> {
  const saved = await saveSubscriber(subscriber);
  await savePatron({ ...patron, subscriberId: saved.id });
  return saved;
}
