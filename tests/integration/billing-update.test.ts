/**
 * The card-update link (`GET /billing/update`) and the payment-failed email that carries it, against the local
 * stack and the fake Stripe: the link opens a Billing Portal session on the payment-method flow for the patron's
 * customer, without signing in; anything else is refused with a page that changes nothing. The payment-failed email
 * goes once per debt, through duplicated and out-of-order events and a grace → active → grace within one debt.
 */
import { describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as Patrons from "../../core/patrons";
import * as Privacy from "../../core/privacy";
import * as StripeApi from "../../core/stripe";
import * as Tokens from "../../core/tokens";
import { saveSubscriber } from "../helpers/factories";
import { randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event, invoice } from "../helpers/stripe-objects";
import { awayFromWindowEdge } from "../helpers/rate-window";

useLocalStack();
const stripe = useFakeStripe();

const DAY = 24 * 60 * 60 * 1000;
const seconds = (ms: number) => Math.floor(ms / 1000);
const failedEmails = async (email: string) => (await mailTo(email)).filter((m) => /didn't go through|не пройшов/.test(m.subject));
const open = (token: string, headers: Record<string, string> = {}) =>
  request(`/billing/update?token=${encodeURIComponent(token)}`, { headers: { accept: "text/html", ...headers } }, randomIp());

/** A patron whose renewal failed `daysAgo` days ago: past due at Stripe with that open invoice. */
async function pastDue(name: string, options: { daysAgo?: number; language?: string } = {}) {
  const subscriber = await saveSubscriber({ email: uniqueEmail(name), ...(options.language && { language: options.language }) });
  const failedAt = Date.now() - (options.daysAgo ?? 1) * DAY;
  const member = stripeMember(stripe.fake, {
    email: subscriber.email,
    subscription: { status: "active", priceId: "price_coffee", periodStart: new Date(failedAt), metadata: { subscriberId: subscriber.id } },
  });
  expect((await deliver(event("customer.subscription.created", member.subscription))).status).toBe(200);
  const unpaid = invoice({ customer: member.customer.id, subscription: member.subscription.id, status: "open", created: seconds(failedAt) });
  stripe.fake.invoices.set(unpaid.id, unpaid);
  const pastDueSubscription = { ...member.subscription, status: "past_due" as const };
  stripe.fake.put(pastDueSubscription);
  return { subscriber, ...member, unpaid, pastDueSubscription, failedAt };
}

const sessionsOf = (customer: string) => stripe.fake.portalSessions.filter((s) => s.params.customer === customer);

describe("the payment-failed email and its link", () => {
  it("carries the card-update link as its main button; the link opens the portal's payment-method flow, no sign-in", async () => {
    const { subscriber, customer, unpaid } = await pastDue("link-good");
    expect((await deliver(event("invoice.payment_failed", unpaid))).status).toBe(200);

    const [email] = await failedEmails(subscriber.email);
    expect(email).toBeDefined();
    const html = email!.body.html!;
    // The card-update link comes before the account page's, which stays as the second way.
    expect(html.indexOf("/billing/update?token=")).toBeGreaterThan(-1);
    expect(html.indexOf("/billing/update?token=")).toBeLessThan(html.indexOf(`${Config.get().PUBLIC_URL}/account`));
    const token = tokenFrom(email!, "/billing/update");

    const response = await open(token);
    expect(response.status).toBe(303);
    const [session] = sessionsOf(customer.id);
    expect(response.headers.get("location")).toBe(session!.session.url);
    const returnUrl = `${Config.get().PUBLIC_URL}/account?billing=updated`;
    expect(session!.params).toMatchObject({
      customer: customer.id,
      return_url: returnUrl,
      flow_data: { type: "payment_method_update", after_completion: { type: "redirect", redirect: { return_url: returnUrl } } },
    });
    expect(session!.session.flow?.type).toBe("payment_method_update");
    // Opened twice (a mail scanner, then the reader): each a fresh short-lived session, nothing else changes.
    expect((await open(token)).status).toBe(303);
    expect(sessionsOf(customer.id)).toHaveLength(2);
    expect((await Patrons.get(subscriber.id))?.status).toBe("grace");
  });

  it("a Ukrainian patron's email is in Ukrainian, with the same link", async () => {
    const { subscriber, unpaid } = await pastDue("link-uk", { language: "uk" });
    expect((await deliver(event("invoice.payment_failed", unpaid))).status).toBe(200);
    const [email] = await failedEmails(subscriber.email);
    expect(email!.subject).toMatch(/не пройшов/);
    expect(email!.body.text).toMatch(/Оновити спосіб оплати/);
    expect(Tokens.verify(tokenFrom(email!, "/billing/update"), "billing-update").subject).toMatch(new RegExp(`^${subscriber.id}~cus_`));
  });
});

describe("refused links change nothing", () => {
  it("tampered, expired, of another purpose, or naming a malformed subject: 400 with a page saying so", async () => {
    const { subscriber, customer } = await pastDue("link-bad");
    const subject = `${subscriber.id}~${customer.id}`;
    const good = Tokens.sign("billing-update", subject);
    const lifetime = Tokens.lifetimes["billing-update"];
    expect(lifetime).toBe((Config.get().GRACE_DAYS + 30) * 24 * 3600); // outlives the grace period it is sent in
    const cases: Array<[string, string, RegExp]> = [
      ["tampered", good.slice(0, -2) + (good.endsWith("AA") ? "BB" : "AA"), /link is not valid/],
      ["another subscriber, same signature", good.replace(subscriber.id, "sub_someone_else"), /link is not valid/],
      ["expired", Tokens.sign("billing-update", subject, new Date(Date.now() - lifetime * 1000 - DAY)), /link has expired/],
      ["a manage link's token", Tokens.sign("manage", subscriber.id), /link is not valid/],
      ["a gift token with the same subject", Tokens.sign("gift", subject), /link is not valid/],
      ["no customer in the subject", Tokens.sign("billing-update", subscriber.id), /link is not valid/],
    ];
    for (const [what, token, says] of cases) {
      const response = await open(token);
      expect(response.status, what).toBe(400);
      const page = await response.text();
      expect(page, what).toMatch(says);
      expect(page, what).toContain('href="/account"');
    }
    // Nor is this token accepted anywhere else: a billing-update token is no manage link.
    expect((await request(`/preferences?token=${encodeURIComponent(good)}`, { headers: { accept: "text/html" } })).status).toBe(400);
    expect(sessionsOf(customer.id)).toHaveLength(0);
  });

  it("another customer's, or an erased subscriber's: 404, no portal session", async () => {
    const alice = await pastDue("link-alice");
    const bob = await pastDue("link-bob");
    const crossed = await open(Tokens.sign("billing-update", `${alice.subscriber.id}~${bob.customer.id}`));
    expect(crossed.status).toBe(404);
    expect(await crossed.text()).toMatch(/no longer yours/);

    const token = Tokens.sign("billing-update", `${alice.subscriber.id}~${alice.customer.id}`);
    await Privacy.erase(alice.subscriber.id);
    const erased = await open(token);
    expect(erased.status).toBe(404);
    expect(await erased.text()).toMatch(/no membership for this link/);
    expect(sessionsOf(alice.customer.id)).toHaveLength(0);
    expect(sessionsOf(bob.customer.id)).toHaveLength(0);
  });

  it("Stripe failing: 503 with a page to try again; in Ukrainian for a Ukrainian reader", async () => {
    const { subscriber, customer } = await pastDue("link-down");
    stripe.fake.failNext({ method: "POST", path: /billing_portal\/sessions/ }, 500);
    const response = await open(Tokens.sign("billing-update", `${subscriber.id}~${customer.id}`), { "accept-language": "uk" });
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/Спробуйте ще раз за кілька хвилин/);
  });
});

describe("the stand-in's portal sessions", () => {
  it("checks flow_data as Stripe does: a redirect needs its return_url, a subscription flow its subscription, a known type", async () => {
    const { customer } = await pastDue("flow-data");
    const client = await StripeApi.stripe();
    const refused = async (flow_data: Record<string, unknown>) =>
      client.billingPortal.sessions.create({ customer: customer.id, flow_data: flow_data as never }).then(
        () => undefined,
        (error: { statusCode?: number; param?: string }) => [error.statusCode, error.param],
      );
    expect(await refused({ type: "payment_method_update", after_completion: { type: "redirect" } })).toEqual([400, "flow_data[after_completion][redirect][return_url]"]);
    expect(await refused({ type: "subscription_cancel" })).toEqual([400, "flow_data[subscription_cancel][subscription]"]);
    expect(await refused({ type: "update_everything" })).toEqual([400, "flow_data[type]"]);
    expect(sessionsOf(customer.id)).toHaveLength(0);
  });
});

describe("opened too often", () => {
  it("from one network past the checkouts' limit: 429 with Retry-After, no more portal sessions", async () => {
    const { subscriber, customer } = await pastDue("link-limit");
    const token = Tokens.sign("billing-update", `${subscriber.id}~${customer.id}`);
    await awayFromWindowEdge(60 * 60);
    const ip = randomIp();
    const from = () => request(`/billing/update?token=${encodeURIComponent(token)}`, { headers: { accept: "text/html" } }, ip);
    for (let i = 0; i < 20; i++) expect((await from()).status).toBe(303);
    const limited = await from();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.text()).toMatch(/Too many payment pages/);
    expect(sessionsOf(customer.id)).toHaveLength(20);
  });
});

describe("the payment-failed email, once per debt", () => {
  it("events twice and out of order, then grace → active → grace within the same debt: one email", async () => {
    const { subscriber, subscription, unpaid, pastDueSubscription } = await pastDue("once-per-debt");
    const failed = event("invoice.payment_failed", unpaid);
    const updated = event("customer.subscription.updated", pastDueSubscription);
    for (const e of [updated, failed, updated, failed]) expect((await deliver(e)).status).toBe(200);
    const first = await Patrons.get(subscriber.id);
    expect(first?.status).toBe("grace");

    // Stripe shows it active a moment (its retry is in flight), then past due again on the same unpaid invoice.
    stripe.fake.put({ ...subscription, status: "active" });
    expect((await deliver(event("customer.subscription.updated", { ...subscription, status: "active" }))).status).toBe(200);
    expect((await Patrons.get(subscriber.id))?.status).toBe("active");
    stripe.fake.put(pastDueSubscription);
    expect((await deliver(event("customer.subscription.updated", pastDueSubscription))).status).toBe(200);
    const again = await Patrons.get(subscriber.id);
    expect(again).toMatchObject({ status: "grace", unpaidSince: first!.unpaidSince });
    expect(again?.notice).toBeUndefined();
    expect(await failedEmails(subscriber.email)).toHaveLength(1);

    // The debt paid; a new one later: a new email.
    unpaid.status = "paid";
    stripe.fake.put({ ...subscription, status: "active" });
    expect((await deliver(event("invoice.paid", unpaid))).status).toBe(200);
    const next = invoice({ customer: subscription.customer as string, subscription: subscription.id, status: "open", created: seconds(Date.now() - 60_000) });
    stripe.fake.invoices.set(next.id, next);
    stripe.fake.put(pastDueSubscription);
    expect((await deliver(event("invoice.payment_failed", next))).status).toBe(200);
    expect(await failedEmails(subscriber.email)).toHaveLength(2);
    // Each debt's claim is listed under the subscriber's partition, so erasure finds both.
    const claims = (await Db.BillingEmails.claimsOf(subscriber.id)).filter((c) => c.endsWith(":payment_failed"));
    expect(claims).toHaveLength(2);
    for (const claim of claims) expect(await Db.Events.processed("patron-email", claim)).toBe(true);
    // The reader's export lists them; erasure deletes the claims with the list.
    const exported = (await Privacy.exportData(subscriber.id)).billingEmails;
    expect(exported.filter((e) => e.kind === "payment_failed")).toEqual([
      { kind: "payment_failed", about: expect.stringMatching(/^debt:\d{4}-/) },
      { kind: "payment_failed", about: expect.stringMatching(/^debt:\d{4}-/) },
    ]);
    await Privacy.erase(subscriber.id);
    for (const claim of claims) expect(await Db.Events.processed("patron-email", claim)).toBe(false);
  });
});
