/**
 * A patron changed their email in Stripe (the billing portal). The new address is not trusted until it is
 * confirmed from itself (`email-confirm.ts`): here the change is only recorded, its confirm link emailed to the new
 * address and a notice to the old one (`email-change-mail.ts`). Until then digests, patron emails and sign-in
 * links keep going to the old address.
 *
 * - The customer is fetched again (the event may be older than another change), and only the customer the
 *   membership is managed through speaks for the address (not an older one of theirs).
 * - The same change seen again (a duplicated event, another `customer.updated` of the customer) keeps its nonce,
 *   so its emails go once.
 * - Another new address replaces the waiting change: the first link stops working, the new address gets its own.
 * - Stripe's address back to the subscriber's withdraws the waiting change: its link stops working.
 * - An address another subscriber holds is handled like any other here, and the notice to the old address says
 *   nothing of it (nobody learns who is subscribed); confirming it answers, to the holder of that address only,
 *   that it belongs to another subscription, and changes nothing. Two subscribers are never merged silently.
 */
import * as Db from "../db";
import { log } from "../log";
import * as StripeApi from "../stripe";
import * as Input from "../subscribers/input";
import * as Tokens from "../tokens";
import { newNonce, queueEmails } from "./email-change-mail";
import { subscriberOfCustomer } from "./sync";

export type EmailSyncOutcome = "requested" | "pending" | "withdrawn" | "unchanged" | "not_patron";

/**
 * Brings a patron's change of address at Stripe in: records it and queues its emails (`requested`), or finds it
 * recorded already (`pending`: its emails are queued again and go once), withdraws a waiting change that Stripe
 * took back (`withdrawn`), or finds nothing to do.
 */
export async function syncEmail(customerId: string, now = new Date()): Promise<EmailSyncOutcome> {
  const subscriberId = await subscriberOfCustomer(customerId);
  const patron = subscriberId && (await Db.Patrons.get(subscriberId));
  if (!patron || patron.stripeCustomerId !== customerId) return "not_patron";
  return Db.retryWrite(`recording a change of address of ${patron.subscriberId}`, async () => {
    // Read before fetching, so a write based on an older fetch fails its condition (as in sync.ts).
    const [subscriber, previous] = await Promise.all([Db.Subscribers.get(patron.subscriberId), Db.EmailChanges.get(patron.subscriberId, now)]);
    const customer = await (await StripeApi.stripe()).customers.retrieve(customerId);
    const email = customer.deleted ? undefined : Input.email.safeParse(customer.email ?? "").data;
    if (!email || !subscriber) return "unchanged";
    const waiting = previous && !previous.confirmedAt ? previous : undefined;
    if (email === subscriber.email) {
      if (!waiting) return "unchanged";
      await Db.EmailChanges.withdraw(waiting);
      log.info({ event: "subscriber.email_change_withdrawn", subscriberId: subscriber.id }, "a change of address was taken back in Stripe");
      return "withdrawn";
    }
    if (waiting?.email === email) {
      await queueEmails(waiting, ["confirm", "requested"]);
      return "pending";
    }
    const change: Db.EmailChanges.EmailChange = {
      subscriberId: subscriber.id,
      email,
      nonce: newNonce(),
      customerId,
      requestedAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + Tokens.lifetimes["email-change"],
    };
    await Db.EmailChanges.propose(change, previous, now);
    await queueEmails(change, ["confirm", "requested"]);
    log.info(
      { event: "subscriber.email_change_requested", subscriberId: subscriber.id, replaced: Boolean(waiting) },
      "a patron changed their email in Stripe; the new address is asked to confirm",
    );
    return "requested";
  });
}
