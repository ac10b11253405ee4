/**
 * A patron changed their email in Stripe (the billing portal): their subscriber address follows, so digests and
 * patron emails go where they now read. The customer is fetched again (the event may be older than another
 * change), and an address that belongs to another subscriber is left alone: two people can't share one.
 */
import * as Db from "../db";
import { log } from "../log";
import * as StripeApi from "../stripe";
import * as Input from "../subscribers/input";
import { subscriberOfCustomer } from "./sync";

export async function syncEmail(customerId: string, now = new Date()): Promise<"changed" | "unchanged" | "taken" | "not_patron"> {
  // Only the customer the membership is managed through speaks for the address (not an older one of theirs).
  const subscriberId = await subscriberOfCustomer(customerId);
  const patron = subscriberId && (await Db.Patrons.get(subscriberId));
  if (!patron || patron.stripeCustomerId !== customerId) return "not_patron";
  return Db.retryWrite(`changing the email of ${patron.subscriberId}`, async () => {
    // Read before fetching, so a write based on an older fetch fails its version check (as in sync.ts).
    const subscriber = await Db.Subscribers.get(patron.subscriberId);
    const customer = await (await StripeApi.stripe()).customers.retrieve(customerId);
    const email = customer.deleted ? undefined : Input.email.safeParse(customer.email ?? "").data;
    if (!email || !subscriber || subscriber.email === email) return "unchanged";
    const outcome = await Db.SubscriberEmail.changeEmail(subscriber, email, now.toISOString());
    log.info({ event: "subscriber.email_from_stripe", subscriberId: subscriber.id, outcome }, "patron changed their email in Stripe");
    return outcome;
  });
}
