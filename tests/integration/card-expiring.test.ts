/**
 * The expiring-card warning, through the signed webhook against the local stack and the fake Stripe: Stripe's
 * `customer.source.expiring` and `invoice.upcoming`, each delivered twice, in either order, make one email when the
 * card paying a running membership (fetched from Stripe: the subscription's default payment method, else the
 * customer's invoice default) expires before the renewal; none when it outlives the renewal, when another card is
 * expiring, or for a patron not running.
 */
import { describe, expect, it } from "vitest";
import type Stripe from "stripe";
import * as Db from "../../core/db";
import * as Patrons from "../../core/patrons";
import { saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { card, event, invoice, paymentMethod, upcomingInvoice } from "../helpers/stripe-objects";
import * as Tokens from "../../core/tokens";

useLocalStack();
const stripe = useFakeStripe();

const DAY = 24 * 60 * 60 * 1000;
const seconds = (ms: number) => Math.floor(ms / 1000);
const warnings = async (email: string) => (await mailTo(email)).filter((m) => /expires soon|скоро мине/.test(m.subject));
const thisMonth = () => ({ expMonth: new Date().getUTCMonth() + 1, expYear: new Date().getUTCFullYear() });

/**
 * An active patron whose subscription renews in 40 days (after this month ends), paid by a card expiring
 * `expiry` (this month by default), set as the subscription's default (or, `onCustomer`, the customer's invoice
 * default).
 */
async function payingBy(name: string, options: { expiry?: { expMonth: number; expYear: number }; onCustomer?: boolean; language?: string } = {}) {
  const subscriber = await saveSubscriber({ email: uniqueEmail(name), ...(options.language && { language: options.language }) });
  const renewsAt = Date.now() + 40 * DAY;
  const member = stripeMember(stripe.fake, {
    email: subscriber.email,
    subscription: { status: "active", priceId: "price_coffee", periodStart: new Date(renewsAt - 30 * DAY), periodEnd: new Date(renewsAt), metadata: { subscriberId: subscriber.id } },
  });
  const expiry = options.expiry ?? thisMonth();
  const source = card({ customer: member.customer.id, ...expiry, last4: "4444", brand: "MasterCard" });
  stripe.fake.paymentMethods.set(source.id, paymentMethod({ id: source.id, customer: member.customer.id, ...expiry, last4: "4444", brand: "mastercard" }));
  if (options.onCustomer) {
    member.customer.invoice_settings = { ...member.customer.invoice_settings, default_payment_method: source.id };
    stripe.fake.put({ ...member.subscription, default_payment_method: null });
  } else {
    stripe.fake.put({ ...member.subscription, default_payment_method: source.id });
  }
  expect((await deliver(event("customer.subscription.created", member.subscription))).status).toBe(200);
  expect((await Patrons.get(subscriber.id))?.status).toBe("active");
  const upcoming = upcomingInvoice({ customer: member.customer.id, subscription: member.subscription.id, nextPaymentAttempt: seconds(renewsAt) });
  return { subscriber, ...member, source, upcoming };
}

const expiring = (source: Stripe.Card) => event("customer.source.expiring", source);
const renewing = (upcoming: Stripe.Invoice) => event("invoice.upcoming", upcoming);

describe("the expiring-card warning", () => {
  it("both events, each twice, in either order: one email, with the card, the renewal date and the card-update link", async () => {
    const { subscriber, customer, source, upcoming } = await payingBy("card-once");
    const first = renewing(upcoming);
    for (const e of [first, expiring(source), first, expiring(source), renewing(upcoming)]) expect((await deliver(e)).status).toBe(200);

    const sent = await warnings(subscriber.email);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.text).toMatch(/Mastercard card ending in 4444/);
    expect(sent[0]!.body.text).toMatch(/renews on/);
    expect(Tokens.verify(tokenFrom(sent[0]!, "/billing/update"), "billing-update").subject).toBe(`${subscriber.id}~${customer.id}`);
    const claims = await Db.BillingEmails.claimsOf(subscriber.id);
    expect(claims).toEqual([expect.stringMatching(new RegExp(`^${subscriber.id}:card:${source.id}:\\d{4}-\\d{2}:card_expiring$`))]);
  });

  it("the source event first, then the renewal's: still one; the customer's invoice default is the paying card", async () => {
    const { subscriber, source, upcoming } = await payingBy("card-customer-default", { onCustomer: true });
    for (const e of [expiring(source), renewing(upcoming), expiring(source)]) expect((await deliver(e)).status).toBe(200);
    expect(await warnings(subscriber.email)).toHaveLength(1);
  });

  it("none when the card outlives the renewal, or another card of the customer is expiring", async () => {
    const later = await payingBy("card-later", { expiry: { expMonth: 12, expYear: new Date().getUTCFullYear() + 3 } });
    for (const e of [expiring(later.source), renewing(later.upcoming)]) expect((await deliver(e)).status).toBe(200);
    expect(await warnings(later.subscriber.email)).toHaveLength(0);

    const other = card({ customer: later.customer.id, ...thisMonth() });
    stripe.fake.paymentMethods.set(other.id, paymentMethod({ id: other.id, customer: later.customer.id, ...thisMonth() }));
    expect((await deliver(expiring(other))).status).toBe(200);
    expect(await warnings(later.subscriber.email)).toHaveLength(0);
  });

  it("none to a patron in grace (the payment-failed email speaks for it) or whose subscription ends at the period's end", async () => {
    const owing = await payingBy("card-grace");
    const unpaid = invoice({ customer: owing.customer.id, subscription: owing.subscription.id, status: "open", created: seconds(Date.now() - DAY) });
    stripe.fake.invoices.set(unpaid.id, unpaid);
    stripe.fake.put({ ...stripe.fake.subscriptions.get(owing.subscription.id)!, status: "past_due" });
    expect((await deliver(event("invoice.payment_failed", unpaid))).status).toBe(200);
    expect((await Patrons.get(owing.subscriber.id))?.status).toBe("grace");

    const leaving = await payingBy("card-leaving");
    stripe.fake.put({ ...stripe.fake.subscriptions.get(leaving.subscription.id)!, cancel_at_period_end: true });

    for (const who of [owing, leaving]) {
      for (const e of [expiring(who.source), renewing(who.upcoming)]) expect((await deliver(e)).status).toBe(200);
      expect(await warnings(who.subscriber.email)).toHaveLength(0);
    }
  });

  it("a Ukrainian patron is warned in Ukrainian", async () => {
    const { subscriber, source } = await payingBy("card-uk", { language: "uk" });
    expect((await deliver(expiring(source))).status).toBe(200);
    const [sent] = await warnings(subscriber.email);
    expect(sent!.subject).toMatch(/Строк дії вашої картки/);
    expect(sent!.body.text).toMatch(/Mastercard із закінченням 4444/);
  });
});
