/**
 * A patron's change of address at Stripe (issue 17, item 3): `customer.updated` no longer moves the subscriber's
 * address by itself. The new address is sent a confirm link (a page whose button POSTs) and the old one a notice;
 * only the confirmation changes the address, ends every session and stops sign-in links sent to the old address.
 * Repeated events send each email once; a change taken back in Stripe, or replaced, stops its link; an address
 * another subscriber holds is never merged.
 */
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Patrons from "../../core/patrons";
import { confirmToken as signedConfirmToken } from "../../core/patrons/email-change-mail";
import * as Privacy from "../../core/privacy";
import * as SignIn from "../../core/signin";
import { saveSubscriber, signedIn } from "../helpers/factories";
import { postForm, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

const CONFIRM = "Confirm your new address for Tidings";
const REQUESTED = "Your Tidings address is being changed";
const CHANGED = "Your Tidings address was changed";

/** A subscriber who pays through one customer, as the webhooks leave them. */
async function payingPatron(label: string) {
  const subscriber = await saveSubscriber({ email: uniqueEmail(label) });
  const member = stripeMember(stripe.fake, {
    email: subscriber.email,
    subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
  });
  expect((await deliver(event("customer.subscription.created", member.subscription))).status).toBe(200);
  return { subscriber, customer: member.customer };
}

/** The customer's address changed at Stripe (the billing portal), and its `customer.updated` delivered. */
async function changeAtStripe(customer: { id: string }, email: string, options: { eventId?: string } = {}) {
  stripe.fake.customers.set(customer.id, { ...(stripe.fake.customers.get(customer.id) as Stripe.Customer), email });
  const response = await deliver(event("customer.updated", stripe.fake.customers.get(customer.id)!, { id: options.eventId }));
  expect(response.status).toBe(200);
  return response;
}

/** The subjects of the emails an address got, but the patron's welcome. */
const subjects = async (address: string) => (await mailTo(address)).map((m) => m.subject).filter((subject) => !/^Welcome/.test(subject));
const confirmToken = async (address: string) => tokenFrom((await mailTo(address)).find((m) => m.subject === CONFIRM)!, "/email-change");
const confirm = (token: string) => postForm("/email-change", { token });
const account = (header: string) => request("/account", { headers: { cookie: header } });

describe("a change of address at Stripe", () => {
  it("changes nothing until the new address confirms, with a POST; then ends every session and old sign-in links", async () => {
    const { subscriber, customer } = await payingPatron("moving");
    const [laptop, phone] = [await signedIn(subscriber.id), await signedIn(subscriber.id)];
    const oldLink = SignIn.linkToken(subscriber.id, new Date(Date.now() - 5_000)); // emailed to the old address
    const fresh = uniqueEmail("moved");

    await changeAtStripe(customer, fresh.toUpperCase());

    // Nothing moved: the address, its index and the sessions are as they were.
    expect((await Db.Subscribers.get(subscriber.id))?.email).toBe(subscriber.email);
    expect(await Db.Subscribers.getByEmail(fresh)).toBeUndefined();
    expect((await account(laptop.header)).status).toBe(200);
    // The new address is asked to confirm; the old one is told, the new address masked.
    expect(await subjects(fresh)).toEqual([CONFIRM]);
    expect(await subjects(subscriber.email)).toEqual([REQUESTED]);
    const notice = (await mailTo(subscriber.email)).find((m) => m.subject === REQUESTED);
    expect(notice!.body.text).toContain(`${fresh[0]}***@example.com`);
    expect(`${notice!.body.text}${notice!.body.html}`).not.toContain(fresh);
    // The waiting change is theirs to download (without its link's nonce).
    const { addressChange } = await Privacy.exportData(subscriber.id);
    expect(addressChange).toEqual({ email: fresh, requestedAt: expect.any(String) });

    // Opening the link (a scanner, say) shows a button and changes nothing.
    const token = await confirmToken(fresh);
    const page = await request(`/email-change?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<form method="post" action="\/email-change">/);
    expect(html).toContain(fresh);
    expect((await Db.Subscribers.get(subscriber.id))?.email).toBe(subscriber.email);

    const confirmed = await confirm(token);

    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toMatch(/Your address is changed/);
    expect((await Db.Subscribers.get(subscriber.id))?.email).toBe(fresh);
    expect((await Db.Subscribers.getByEmail(fresh))?.id).toBe(subscriber.id);
    expect(await Db.Subscribers.getByEmail(subscriber.email)).toBeUndefined();
    // Every session ended; a sign-in link sent to the old address no longer signs in; a new one does.
    expect((await account(laptop.header)).status).toBe(303);
    expect((await account(phone.header)).status).toBe(303);
    await expect(SignIn.redeem(oldLink, SignIn.newDevice(), new Date(Date.now() + 2_000))).rejects.toMatchObject({ code: "invalid_token" });
    await expect(SignIn.redeem(SignIn.linkToken(subscriber.id, new Date(Date.now() + 2_000)), SignIn.newDevice(), new Date(Date.now() + 2_000))).resolves.toBeDefined();
    expect(await subjects(subscriber.email)).toEqual([REQUESTED, CHANGED]);

    // Pressed again: the same answer, nothing sent again, the new session left alone.
    const again = await signedIn(subscriber.id);
    expect((await confirm(token)).status).toBe(200);
    expect((await account(again.header)).status).toBe(200);
    expect(await subjects(subscriber.email)).toEqual([REQUESTED, CHANGED]);
    expect(await subjects(fresh)).toEqual([CONFIRM]);
  });

  it("sends one confirm link and one notice however often the change is seen: duplicated, repeated and concurrent events", async () => {
    const { subscriber, customer } = await payingPatron("repeated");
    const fresh = uniqueEmail("repeated-new");
    const first = await changeAtStripe(customer, fresh, { eventId: "evt_email_change_dup_1" });
    expect(((await first.json()) as { outcome: string }).outcome).toBe("processed");

    const duplicate = await deliver(event("customer.updated", stripe.fake.customers.get(customer.id)!, { id: "evt_email_change_dup_1" }));
    expect(((await duplicate.json()) as { outcome: string }).outcome).toBe("duplicate");
    await changeAtStripe(customer, fresh); // another customer.updated (the customer's name changed, say)
    await Promise.all([1, 2, 3].map(() => changeAtStripe(customer, fresh)));

    expect(await subjects(fresh)).toEqual([CONFIRM]);
    expect(await subjects(subscriber.email)).toEqual([REQUESTED]);
    expect((await Db.Subscribers.get(subscriber.id))?.email).toBe(subscriber.email);
  });

  it("a change taken back in Stripe before it was confirmed: its link stops working and nothing changes", async () => {
    const { subscriber, customer } = await payingPatron("reverted");
    const { header } = await signedIn(subscriber.id);
    const fresh = uniqueEmail("reverted-new");
    await changeAtStripe(customer, fresh);
    const token = await confirmToken(fresh);

    await changeAtStripe(customer, subscriber.email);

    const page = await request(`/email-change?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/no longer valid/);
    expect((await confirm(token)).status).toBe(400);
    expect((await Db.Subscribers.get(subscriber.id))?.email).toBe(subscriber.email);
    expect((await account(header)).status).toBe(200);
  });

  it("a newer address replaces a change not yet confirmed: only the newer link works", async () => {
    const { subscriber, customer } = await payingPatron("twice");
    const [first, second] = [uniqueEmail("twice-a"), uniqueEmail("twice-b")];
    await changeAtStripe(customer, first);
    const firstToken = await confirmToken(first);
    await changeAtStripe(customer, second);

    expect((await confirm(firstToken)).status).toBe(400);
    expect((await Db.Subscribers.get(subscriber.id))?.email).toBe(subscriber.email);
    expect((await confirm(await confirmToken(second))).status).toBe(200);
    expect((await Db.Subscribers.get(subscriber.id))?.email).toBe(second);
    expect(await subjects(subscriber.email)).toEqual([REQUESTED, REQUESTED, CHANGED]);
  });

  it("an address another subscriber holds: emailed like any (the notice tells nothing), and confirming merges nobody", async () => {
    const { subscriber, customer } = await payingPatron("taker");
    const other = await saveSubscriber({ email: uniqueEmail("holder") });
    const { header } = await signedIn(subscriber.id);

    await changeAtStripe(customer, other.email);
    expect(await subjects(subscriber.email)).toEqual([REQUESTED]);
    const response = await confirm(await confirmToken(other.email));

    expect(response.status).toBe(409);
    expect(await response.text()).toMatch(/already belongs to another subscription/);
    expect((await Db.Subscribers.get(subscriber.id))?.email).toBe(subscriber.email);
    expect((await Db.Subscribers.getByEmail(other.email))?.id).toBe(other.id);
    expect((await account(header)).status).toBe(200);
    expect(await subjects(subscriber.email)).toEqual([REQUESTED]);
  });

  it("is forgotten with the subscriber: after erasure its link works no more and its emails send nothing", async () => {
    const { subscriber, customer } = await payingPatron("erased-mover");
    const fresh = uniqueEmail("erased-new");
    stripe.fake.customers.set(customer.id, { ...customer, email: fresh });
    expect(await Patrons.syncEmail(customer.id)).toBe("requested");
    const change = (await Db.EmailChanges.get(subscriber.id))!;
    await Privacy.erase(subscriber.id);

    expect(await Db.EmailChanges.get(subscriber.id)).toBeUndefined();
    expect(await mailTo(fresh)).toEqual([]); // the queued confirm link found nothing to send
    expect((await confirm(signedConfirmToken(change))).status).toBe(400);
  });
});
