/**
 * Demo data for `npm start` with the local Stripe stand-in: a patron whose renewal failed two days ago (past due at
 * the stand-in, with that open invoice), so their payment-failed email is in the local mailbox with its card-update
 * link, and following it shows the whole recovery: the stand-in's update-card page, the invoice paid, the
 * subscription active again (its events sent to the app), and back to `/account`. The stand-in's state lives in
 * memory, so it is put back at every start, as the stored patron stands (still owing, or recovered). Idempotent.
 */
import * as Config from "../core/config";
import * as Db from "../core/db";
import { demoReader } from "./seed-reader";
import { syncCustomer } from "../core/patrons/sync";
import { customer, invoice, subscription } from "./stripe-standin/objects";
import type { StripeStandIn } from "./stripe-standin";

const DAY = 86_400_000;
const EMAIL = "ola@example.com";
const IDS = { subscriber: `sub_demopastdue${"0".repeat(11)}`, customer: "cus_demopastdue", subscription: "sub_demopastdue", invoice: "in_demopastdue" };

/** Seeds the patron who owes a renewal (at `standIn`); returns a line worth printing. */
export async function seedPastDue(now: Date, standIn: StripeStandIn | undefined): Promise<string> {
  const tier = Config.get().TIERS[0];
  if (!tier || !standIn) return "no tiers or no Stripe stand-in: no past-due patron seeded";
  const id = await demoReader({ id: IDS.subscriber, email: EMAIL, name: "Ola", joinedAt: new Date(now.getTime() - 200 * DAY).toISOString() });
  const patron = await Db.Patrons.get(id);
  const owing = !patron || patron.status === "grace";
  const failedAt = patron?.unpaidSince ? Date.parse(patron.unpaidSince) : now.getTime() - 2 * DAY;
  standIn.customers.set(IDS.customer, customer({ id: IDS.customer, email: EMAIL, name: "Ola", metadata: { subscriberId: id } }));
  standIn.put(
    subscription({
      id: IDS.subscription,
      customer: IDS.customer,
      status: owing ? "past_due" : "active",
      priceId: tier.priceId,
      periodStart: new Date(failedAt),
      metadata: { subscriberId: id },
      created: Math.floor((failedAt - 60 * DAY) / 1000),
    }),
  );
  const unpaid = invoice({ id: IDS.invoice, customer: IDS.customer, subscription: IDS.subscription, status: owing ? "open" : "paid", created: Math.floor(failedAt / 1000) });
  Object.assign(unpaid, { amount_due: tier.amount, currency: tier.currency });
  standIn.invoices.set(unpaid.id, unpaid);
  // As the webhook would: grace, and the payment-failed email (once per debt) in the local mailbox.
  if (!patron) await syncCustomer(IDS.customer, { subscriberId: id }, now);
  return `${EMAIL} owes a renewal (grace): their payment-failed email's "Update my payment method" opens the card update at the stand-in`;
}
