/**
 * Gift memberships against the local stack and the fake Stripe: the checkout as Stripe is asked for it (payment
 * mode, "N months of <tier>" priced at the monthly price × N, the metadata), bad input refused before Stripe is
 * called or anything written; the paid session recorded once under duplicates and concurrency; a refund before
 * redemption voiding it; the schedule sending each due gift's redeem link once and not early; redeeming once into a
 * comped patron whose votes count; the invitation a week before the end, once; the buyer's account page and the
 * editors' list.
 */
import { describe, expect, it } from "vitest";
import type Stripe from "stripe";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as Gifts from "../../core/gifts";
import * as Patrons from "../../core/patrons";
import * as Privacy from "../../core/privacy";
import * as Tokens from "../../core/tokens";
import * as Votes from "../../core/votes";
import { editorAs } from "../helpers/editor";
import { createTopic, saveSubscriber, signedIn } from "../helpers/factories";
import { postForm, postJson, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { body, deliver, useFakeStripe } from "../helpers/stripe";
import { charge, checkoutSession, event, paymentIntent } from "../helpers/stripe-objects";
import { changes, snapshot } from "../adversarial/surface";

useLocalStack();
const stripe = useFakeStripe();

const DAY = 86_400_000;
const day = (offset: number, from = new Date()) => new Date(from.getTime() + offset * DAY).toISOString().slice(0, 10);
const sessionsCreated = () => stripe.fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");
const REDEEM_SUBJECT = /A gift for you/;
/** A date as an English page or email writes it (UTC). */
const inWords = (iso: string) => new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));

/** A paid gift's session as Checkout completes it, with its payment intent and charge at Stripe. */
function paidGift(fields: { tier?: string; months?: number; recipient?: string; deliverOn?: string; message?: string; buyer?: string; amount?: number } = {}) {
  const amount = fields.amount ?? 1500;
  const paid = charge({ customer: null, amount, currency: "eur" });
  const pi = paymentIntent({ id: paid.payment_intent as string, customer: null, amount, currency: "eur", latestCharge: paid.id });
  stripe.fake.charges.set(paid.id, paid);
  stripe.fake.paymentIntents.set(pi.id, pi);
  const recipient = fields.recipient ?? uniqueEmail("recipient");
  const session = checkoutSession({
    customer: null,
    subscription: null,
    mode: "payment",
    email: fields.buyer ?? uniqueEmail("buyer"),
    metadata: {
      kind: "gift",
      tierId: fields.tier ?? "coffee",
      months: String(fields.months ?? 3),
      recipientEmail: recipient,
      deliverOn: fields.deliverOn ?? day(0),
      ...(fields.message && { message: fields.message }),
    },
  });
  Object.assign(session, { amount_total: amount, amount_subtotal: amount, currency: "eur", payment_intent: pi.id, payment_status: "paid" });
  return { session, charge: paid, recipient };
}

async function processed(evt: Stripe.Event) {
  const response = await deliver(evt);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await body(response)).outcome as string;
}

const redeemMails = async (email: string) => (await mailTo(email)).filter((m) => REDEEM_SUBJECT.test(m.subject));
/** Gifts of `months` each for `recipient`, each recorded, its link sent and redeemed in turn; their sessions. */
async function redeemInTurn(recipient: string, months: readonly number[]): Promise<string[]> {
  const sessions: string[] = [];
  for (const n of months) {
    const g = paidGift({ recipient, months: n });
    await processed(event("checkout.session.completed", g.session));
    await Gifts.runSchedule();
    const token = tokenIn((await redeemMails(recipient)).at(-1)!.body.text);
    expect((await postForm("/gift", { token }, randomIp())).status).toBe(200);
    sessions.push(g.session.id);
  }
  return sessions;
}

const tokenIn = (text: string | undefined) => decodeURIComponent(/\/gift\?token=([^\s"<>)]+)/.exec(text ?? "")![1]!);

describe("checkout", () => {
  it("asks Stripe for a payment-mode session of N months of the tier at its monthly price × N, with the metadata", async () => {
    const recipientEmail = uniqueEmail("to");
    const deliverOn = day(10);
    const response = await postJson(
      "/api/gifts/checkout",
      { tier: "co-creator", months: 3, recipientEmail, recipientName: "Olena", message: "Happy birthday!", deliverOn, email: "buyer@example.org" },
      randomIp(),
    );
    expect(response.status, await response.clone().text()).toBe(200);
    const created = stripe.fake.checkoutSessions.at(-1)!;
    expect((await body(response)).url).toBe(created.session.url);
    const metadata = { kind: "gift", tierId: "co-creator", months: "3", recipientEmail, recipientName: "Olena", message: "Happy birthday!", deliverOn };
    expect(created.params).toMatchObject({ mode: "payment", customer_email: "buyer@example.org", metadata, payment_intent_data: { metadata } });
    const lines = Object.values(created.params.line_items as Record<string, any>);
    expect(lines.map((l) => [l.price_data.currency, Number(l.price_data.unit_amount), l.price_data.product_data.name])).toEqual([["eur", 4500, "3 months of Co-creator"]]);
  });

  it("prices a tier sold only yearly pro rata; the support page's gift form answers 303 to Checkout", async () => {
    expect((await postJson("/api/gifts/checkout", { tier: "yearly", months: 6, recipientEmail: uniqueEmail("y") }, randomIp())).status).toBe(200);
    const line = Object.values(stripe.fake.checkoutSessions.at(-1)!.params.line_items as Record<string, any>)[0];
    expect(Number(line.price_data.unit_amount)).toBe(2500); // €50 a year × 6 / 12

    const page = await (await request("/support")).text();
    expect(page).toContain('action="/gift/checkout"');
    const form = await postForm("/gift/checkout", { tier: "coffee", months: "2", recipientEmail: uniqueEmail("f"), recipientName: "", message: "", deliverOn: day(0), email: "" }, randomIp());
    expect(form.status).toBe(303);
    expect(form.headers.get("location")).toBe(stripe.fake.checkoutSessions.at(-1)!.session.url);
  });

  it("refuses 0 and 1,000 months, an unknown tier, a past or far date, a long or controlled message: 400, no Stripe call, no write", async () => {
    const before = await snapshot();
    const calls = sessionsCreated().length;
    const ok = { tier: "coffee", months: 3, recipientEmail: uniqueEmail("bad") };
    const bad = [
      { ...ok, months: 0 },
      { ...ok, months: 1000 },
      { ...ok, months: 25 },
      { ...ok, months: 1.5 },
      { ...ok, tier: "platinum" },
      { ...ok, deliverOn: day(-1) },
      { ...ok, deliverOn: day(400) },
      { ...ok, deliverOn: "2026-02-30" },
      { ...ok, message: "x".repeat(501) },
      { ...ok, message: "hello\u0000there" },
      { ...ok, recipientEmail: "not-an-address" },
    ];
    for (const input of bad) {
      const response = await postJson("/api/gifts/checkout", input, randomIp());
      expect(response.status, JSON.stringify(input)).toBe(400);
      expect((await body(response)).error.message, JSON.stringify(input)).toBeTruthy();
    }
    expect((await postForm("/gift/checkout", { tier: "coffee", months: "0", recipientEmail: uniqueEmail("f") }, randomIp())).status).toBe(400);
    expect(sessionsCreated().length).toBe(calls);
    expect(changes(before, await snapshot())).toEqual([]);
    expect((await postJson("/api/gifts/checkout", { ...ok, months: 24, deliverOn: day(365) }, randomIp())).status).toBe(200);
  });
});

describe("recording and voiding", () => {
  it("records a paid session once, whether delivered twice, again by another event, or concurrently", async () => {
    const buyer = await saveSubscriber({ email: uniqueEmail("buyer") });
    const g = paidGift({ buyer: buyer.email });
    const completed = event("checkout.session.completed", g.session);
    expect(await processed(completed)).toBe("processed");
    expect(await processed(completed)).toBe("duplicate");
    const again = [...Array.from({ length: 4 }, () => event("checkout.session.completed", g.session)), event("checkout.session.async_payment_succeeded", g.session)];
    expect((await Promise.all(again.map((e) => deliver(e)))).map((r) => r.status)).toEqual(again.map(() => 200));
    expect(await Db.Gifts.get(g.session.id)).toMatchObject({ status: "paid", tierId: "coffee", months: 3, recipientEmail: g.recipient, buyerSubscriberId: buyer.id, amount: 1500, version: 1 });
    expect((await Db.Gifts.byBuyer(buyer.id)).map((x) => x.id)).toEqual([g.session.id]);
    // A contribution's or membership's path is not taken.
    expect(await Db.Contributions.get(g.session.id)).toBeUndefined();
  });

  it("a refund before redemption voids it (either order of events): never delivered, never redeemed", async () => {
    const g = paidGift();
    await processed(event("checkout.session.completed", g.session));
    stripe.fake.charges.set(g.charge.id, { ...structuredClone(g.charge), amount_refunded: 1500, refunded: true });
    await processed(event("charge.refunded", g.charge));
    expect(await Db.Gifts.get(g.session.id)).toMatchObject({ status: "void", voidReason: "refunded" });

    const early = paidGift();
    stripe.fake.charges.set(early.charge.id, { ...structuredClone(early.charge), amount_refunded: 1500, refunded: true });
    await processed(event("charge.refunded", early.charge));
    await processed(event("checkout.session.completed", early.session));
    expect(await Db.Gifts.get(early.session.id)).toMatchObject({ status: "void" });

    await Gifts.runSchedule();
    expect(await redeemMails(g.recipient)).toHaveLength(0);
    const token = Tokens.sign("gift", g.session.id);
    const page = await request(`/gift?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/refunded or disputed/);
    expect((await postForm("/gift", { token }, randomIp())).status).toBe(400);
    expect(await Db.Subscribers.getByEmail(g.recipient)).toBeUndefined();
  });

  it("a refund before the checkout's event voids it also when the checkout's first delivery failed after recording it", async () => {
    const g = paidGift();
    stripe.fake.charges.set(g.charge.id, { ...structuredClone(g.charge), amount_refunded: 1500, refunded: true });
    await processed(event("charge.refunded", g.charge));
    const completed = event("checkout.session.completed", g.session);
    stripe.fake.failNext({ method: "GET", path: /^\/v1\/payment_intents\// }); // recorded; then Stripe fails
    expect((await deliver(completed)).status).toBe(500);
    expect(await Db.Gifts.get(g.session.id)).toMatchObject({ status: "paid" });
    expect(await processed(completed)).toBe("processed"); // Stripe's redelivery
    expect(await Db.Gifts.get(g.session.id)).toMatchObject({ status: "void", voidReason: "refunded" });
  });
});

describe("delivery and redeeming", () => {
  it("the schedule sends each due gift's link once (run twice, and concurrently), and not before its date", async () => {
    const due = paidGift({ message: "For you <b>dear</b>" });
    const later = paidGift({ deliverOn: day(2) });
    await processed(event("checkout.session.completed", due.session));
    await processed(event("checkout.session.completed", later.session));
    await Promise.all([Gifts.runSchedule(), Gifts.runSchedule()]);
    await Gifts.runSchedule();
    const mails = await redeemMails(due.recipient);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body.html).toContain("For you &lt;b&gt;dear&lt;/b&gt;");
    expect(await Db.Gifts.get(due.session.id)).toMatchObject({ status: "delivered" });
    expect(await redeemMails(later.recipient)).toHaveLength(0);
    expect(await Db.Gifts.get(later.session.id)).toMatchObject({ status: "paid" });
    // Its date come: sent then.
    await Gifts.runSchedule(new Date(Date.now() + 2 * DAY + 60_000));
    expect(await redeemMails(later.recipient)).toHaveLength(1);
  });

  it("redeeming makes the recipient a comped patron until now + N months whose votes count, once; a wrong-purpose link is 400", async () => {
    const g = paidGift({ tier: "co-creator", months: 2, message: "<script>alert(1)</script>" });
    await processed(event("checkout.session.completed", g.session));
    await Gifts.runSchedule();
    const token = tokenIn((await redeemMails(g.recipient))[0]!.body.text);

    const page = await request(`/gift?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert");
    expect(await Db.Subscribers.getByEmail(g.recipient)).toBeUndefined(); // opening it changed nothing

    const wrong = Tokens.sign("vote", g.session.id);
    expect((await request(`/gift?token=${encodeURIComponent(wrong)}`)).status).toBe(400);
    expect((await postForm("/gift", { token: wrong }, randomIp())).status).toBe(400);
    expect(await Db.Subscribers.getByEmail(g.recipient)).toBeUndefined();

    const before = Date.now();
    const redeemed = await postForm("/gift", { token }, randomIp());
    expect(redeemed.status).toBe(200);
    expect(await redeemed.text()).toMatch(/Your gift is redeemed/);
    const recipient = (await Db.Subscribers.getByEmail(g.recipient))!;
    expect(recipient.status).toBe("unsubscribed"); // on record, sent no digests: they did not ask for them
    const patron = (await Patrons.get(recipient.id))!;
    expect(patron).toMatchObject({ status: "comped", compTierId: "co-creator" });
    const expected = Gifts.addMonths(new Date(before), 2).getTime();
    expect(Math.abs(Date.parse(patron.compedUntil!) - expected)).toBeLessThan(60_000);
    const topic = await createTopic({ status: "open" });
    await Votes.vote(recipient.id, topic.id);
    expect((await Votes.results(topic.id)).topic.score).toBe(Config.get().TIERS.find((t) => t.id === "co-creator")!.voteWeight);

    const twice = await postForm("/gift", { token }, randomIp());
    expect(twice.status).toBe(200);
    expect(await twice.text()).toMatch(/already redeemed/);
    expect((await Db.Gifts.get(g.session.id))!.version).toBe(3); // paid → delivered → redeemed, and no more
    // Refunded after redemption: the comp runs on, as an editor's does.
    stripe.fake.charges.set(g.charge.id, { ...structuredClone(g.charge), amount_refunded: 1500, refunded: true });
    await processed(event("charge.refunded", g.charge));
    expect(await Db.Gifts.get(g.session.id)).toMatchObject({ status: "redeemed" });
  });

  it("concurrent redeems make one comp; an existing subscriber who ticks the box is sent a confirmation", async () => {
    const recipient = await saveSubscriber({ email: uniqueEmail("known"), status: "unsubscribed" });
    const g = paidGift({ recipient: recipient.email });
    await processed(event("checkout.session.completed", g.session));
    await Gifts.runSchedule();
    const token = tokenIn((await redeemMails(recipient.email))[0]!.body.text);
    const answers = await Promise.all([1, 2, 3].map(() => postForm("/gift", { token, subscribe: "on" }, randomIp())));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const texts = await Promise.all(answers.map((a) => a.text()));
    expect(texts.filter((t) => /Your gift is redeemed/.test(t))).toHaveLength(1);
    expect(await Patrons.get(recipient.id)).toMatchObject({ status: "comped", compTierId: "coffee" });
    expect((await mailTo(recipient.email)).some((m) => /confirm/i.test(m.subject))).toBe(true);
  });
});

describe("invitation, account and list", () => {
  it("invites the recipient once, a week before the gift ends", async () => {
    const g = paidGift({ months: 1 });
    await processed(event("checkout.session.completed", g.session));
    await Gifts.runSchedule();
    const token = tokenIn((await redeemMails(g.recipient))[0]!.body.text);
    expect((await postForm("/gift", { token }, randomIp())).status).toBe(200);
    const invitations = async () => (await mailTo(g.recipient)).filter((m) => /ends on/.test(m.subject));
    const endsAt = Date.parse((await Db.Gifts.get(g.session.id))!.endsAt!);

    await Gifts.runSchedule(new Date(endsAt - 8 * DAY));
    expect(await invitations()).toHaveLength(0);
    const week = new Date(endsAt - 7 * DAY + 60_000);
    await Promise.all([Gifts.runSchedule(week), Gifts.runSchedule(week)]);
    await Gifts.runSchedule(new Date(endsAt - 2 * DAY));
    const sent = await invitations();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.text).toContain("/join?tier=coffee");
    expect(await Db.Gifts.get(g.session.id)).toMatchObject({ status: "redeemed", invitedAt: expect.any(String) });
  });

  it("invites a recipient of two gifts once, before the end of the second: the first's end ends nothing", async () => {
    const recipient = uniqueEmail("chain");
    const gifts = await redeemInTurn(recipient, [1, 2]);
    const [first, second] = (await Promise.all(gifts.map((id) => Db.Gifts.get(id)))) as [Gifts.Gift, Gifts.Gift];
    const invitations = async () => (await mailTo(recipient)).filter((m) => /ends on/.test(m.subject)).map((m) => m.subject);

    await Gifts.runSchedule(new Date(Date.parse(first.endsAt!) - 7 * DAY + 60_000));
    expect(await invitations()).toEqual([]);
    expect(await Db.Gifts.get(first.id)).toMatchObject({ invitedAt: expect.any(String) }); // moved on all the same
    await Gifts.runSchedule(new Date(Date.parse(second.endsAt!) - 7 * DAY + 60_000));
    expect(await invitations()).toEqual([`Your gift membership of Tidings ends on ${inWords(second.endsAt!)}`]);
  });

  it("lists the buyer's gifts on /account (recipient masked) and gifts by status for editors", async () => {
    const buyer = await signedIn({ email: uniqueEmail("giver") });
    const g = paidGift({ buyer: buyer.email, recipient: "olena.k@example.org", deliverOn: day(5) });
    await processed(event("checkout.session.completed", g.session));
    const page = await (await buyer.call("GET", "/account")).text();
    expect(page).toContain("Gifts you gave");
    expect(page).toContain("o…@example.org");
    expect(page).not.toContain("olena.k@example.org");
    expect(page).toContain(`delivered on ${inWords(`${day(5)}T00:00:00Z`)}`);

    const listed = await editorAs("read", "GET", "/api/gifts?status=paid&limit=200");
    expect(listed.status).toBe(200);
    const { gifts } = await body(listed);
    expect(gifts.find((x: { id: string }) => x.id === g.session.id)).toMatchObject({ status: "paid", deliverOn: day(5), tierId: "coffee" });
    expect((await editorAs("read", "GET", "/api/gifts?status=lost")).status).toBe(400);
  });

  it("the export lists gifts given and redeemed; erasure leaves them anonymous on both sides", async () => {
    const buyer = await saveSubscriber({ email: uniqueEmail("b") });
    const g = paidGift({ buyer: buyer.email, message: "From me to you" });
    await processed(event("checkout.session.completed", g.session));
    await Gifts.runSchedule();
    const token = tokenIn((await redeemMails(g.recipient))[0]!.body.text);
    expect((await postForm("/gift", { token }, randomIp())).status).toBe(200);
    const recipient = (await Db.Subscribers.getByEmail(g.recipient))!;

    expect((await Privacy.exportData(buyer.id)).gifts.given.map((x) => x.id)).toEqual([g.session.id]);
    const theirs = (await Privacy.exportData(recipient.id)).gifts;
    expect(theirs.received).toMatchObject([{ id: g.session.id, message: "From me to you" }]);
    expect(theirs.received[0]!.buyerEmail).toBeUndefined();

    await Privacy.erase(buyer.id);
    await Privacy.erase(recipient.id);
    const left = (await Db.Gifts.get(g.session.id))!;
    expect(left).toMatchObject({ status: "redeemed", tierId: "coffee", months: 3, amount: 1500, recipientEmail: "erased" });
    expect(JSON.stringify(left)).not.toContain(buyer.email);
    expect(JSON.stringify(left)).not.toContain(g.recipient);
    expect(left.message).toBeUndefined();
  });

  it("a second gift of the same tier adds its months to the first's end", async () => {
    const recipient = uniqueEmail("twice");
    const ends = await Promise.all((await redeemInTurn(recipient, [1, 2])).map(async (id) => (await Db.Gifts.get(id))!.endsAt!));
    expect(ends[1]).toBe(Gifts.addMonths(new Date(ends[0]!), 2).toISOString());
    const subscriber = (await Db.Subscribers.getByEmail(recipient))!;
    expect((await Patrons.get(subscriber.id))!.compedUntil).toBe(ends[1]);
  });

  it("two gifts of one tier redeemed at once still add up: neither cuts the other's months short", async () => {
    const recipient = uniqueEmail("both");
    const gifts = [paidGift({ recipient, months: 1 }), paidGift({ recipient, months: 2 })];
    for (const g of gifts) await processed(event("checkout.session.completed", g.session));
    await Gifts.runSchedule();
    const tokens = (await redeemMails(recipient)).map((m) => tokenIn(m.body.text));
    expect(tokens).toHaveLength(2);
    const answers = await Promise.all(tokens.map((token) => postForm("/gift", { token }, randomIp())));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const [first, second] = (await Promise.all(gifts.map((g) => Db.Gifts.get(g.session.id)))).sort((a, b) => a!.endsAt!.localeCompare(b!.endsAt!));
    expect(first!.endsAt).toBe(Gifts.addMonths(new Date(first!.redeemedAt!), first!.months).toISOString());
    expect(second!.endsAt).toBe(Gifts.addMonths(new Date(first!.endsAt!), second!.months).toISOString());
    const subscriber = (await Db.Subscribers.getByEmail(recipient))!;
    expect((await Patrons.get(subscriber.id))!.compedUntil).toBe(second!.endsAt);
  });
});
