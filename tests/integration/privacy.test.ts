/**
 * A reader's privacy against the real local stack and the fake Stripe: the export holds everything; erasure leaves
 * nothing that leads to them (a scan of the whole table for their address, name and ids, in any case), keeps digest
 * counts as they were, takes their vote out of open topics' tallies (`erasure-votes.test.ts` has the rest), cancels
 * a live membership, ends the session, stops a queued delivery, and Stripe's later webhooks (and the
 * reconciliation) bring nobody back. Gifts: one bought for them and not redeemed becomes void and is never sent to
 * their address; one they bought still reaches its recipient without their address.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import * as Gifts from "../../core/gifts";
import { planPage } from "../../core/delivery/plan";
import * as Patrons from "../../core/patrons";
import * as Privacy from "../../core/privacy";
import * as SignIn from "../../core/signin";
import { drain } from "../../scripts/local-worker";
import { migrateGiftAddresses } from "../../scripts/migrate-gift-addresses";
import { expectCountersMatchRecords } from "../helpers/deliveries";
import { editor, publish } from "../helpers/editor";
import { createDigestWithStory, saveSubscriber } from "../helpers/factories";
import { postForm, postJson, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { charge, checkoutSession, event, paymentIntent } from "../helpers/stripe-objects";

const { tableName } = useLocalStack();
const stripe = useFakeStripe();
const ORIGIN = "http://127.0.0.1:3000";
let period = 10;

beforeAll(async () => {
  await publish({ "pv-climate": "Climate", "pv-housing": "Housing" }, [{ id: "pv-a1", title: "Climate story", topics: ["pv-climate"] }]);
  for (const id of ["pv-climate", "pv-housing"]) expect((await editor("PUT", `/api/topics/${id}`, { title: id, status: "open" })).status).toBe(200);
});

/** A reader who signed up and confirmed through the API (name, topics, consent), signed in, with sign-in records. */
async function reader(label: string) {
  const email = uniqueEmail(label).replace(/^./, (c) => c.toUpperCase());
  const name = `Zoë ${label} ${Math.random().toString(36).slice(2, 8)}`;
  expect((await postJson("/api/subscribe", { email, name, topics: ["pv-climate"] }, randomIp())).status).toBe(202);
  expect((await postForm("/confirm", { token: tokenFrom((await mailTo(email))[0]!, "/confirm") })).status).toBe(200);
  const subscriber = (await Db.Subscribers.getByEmail(email.toLowerCase()))!;
  expect(subscriber.status).toBe("active");
  const { cookie } = await SignIn.Sessions.start(subscriber.id);
  const expires = Math.floor(Date.now() / 1000) + 3600;
  await Db.SignIn.recordLinksSent(subscriber.id, [new Date().toISOString()], undefined, expires);
  await Db.SignIn.markUsed(subscriber.id, "nonce-1", new Date(), expires);
  const call = (method: string, path: string, init: { json?: unknown; origin?: string; cookie?: string } = {}) =>
    request(path, {
      method,
      headers: {
        cookie: `${SignIn.COOKIE}=${init.cookie ?? cookie}`,
        origin: init.origin ?? ORIGIN,
        ...(init.json !== undefined && { "content-type": "application/json" }),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
  return { email, name, id: subscriber.id, cookie, call };
}

/** The reader becomes a paying patron through a Stripe webhook, votes, and proposes a topic. */
async function patron(r: Awaited<ReturnType<typeof reader>>) {
  const member = stripeMember(stripe.fake, {
    email: r.email.toLowerCase(),
    subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: r.id } },
  });
  expect((await deliver(event("customer.subscription.created", member.subscription))).status).toBe(200);
  expect((await Db.Patrons.get(r.id))?.stripeCustomerId).toBe(member.customer.id);
  expect((await r.call("POST", "/api/topics/pv-climate/vote")).status).toBe(200);
  const proposal = await r.call("POST", "/api/topics/proposals", { json: { title: `Proposed by ${r.name}`, description: "Please" } });
  expect(proposal.status).toBe(201);
  return member;
}

/** A digest with an article published just now (so it has something to read), created. */
const digestWithStory = async () =>
  (await createDigestWithStory({ id: `pv-article-${period}`, topics: ["pv-climate"] }, { period: `2031-W${period++}` })).id;

/** A digest sent to everyone it has (the reader gets a `sent` delivery). */
async function sendDigest() {
  const id = await digestWithStory();
  expect((await editor("POST", `/api/digests/${id}/send`)).status).toBe(202);
  await drain({ workers: 1, bucket: new Delivery.TokenBucket(1000) });
  return id;
}

/** Every item of the table that mentions any of `needles`, case-insensitively. */
async function itemsMentioning(needles: string[]): Promise<unknown[]> {
  const lower = needles.map((needle) => needle.toLowerCase());
  const found: unknown[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await Db.db().send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: cursor }));
    for (const item of page.Items ?? []) {
      const text = JSON.stringify(item).toLowerCase();
      if (lower.some((needle) => text.includes(needle))) found.push(item);
    }
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return found;
}

const counts = async (digestId: string) =>
  ((await (await editor("GET", `/api/digests/${digestId}`)).json()) as { digest: { counts: Record<string, number> } }).digest.counts;

describe("GET /api/account/export", () => {
  it("answers everything held about the signed-in reader, as a download; 401 without a session", async () => {
    const r = await reader("export");
    const member = await patron(r);
    const digestId = await sendDigest();

    const response = await r.call("GET", "/api/account/export");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="your-data-\d{4}-\d\d-\d\d\.json"$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const data = (await response.json()) as any;
    expect(data.subscriber).toMatchObject({ id: r.id, email: r.email.toLowerCase(), name: r.name, status: "active", topics: ["pv-climate"] });
    expect(data.consent.subscription).toMatchObject({ source: "api", ipHash: expect.any(String), confirmedAt: expect.any(String) });
    expect(data.patron).toMatchObject({
      status: "active",
      tierId: "coffee",
      stripeCustomerId: member.customer.id,
      stripeSubscriptionId: member.subscription.id,
    });
    expect(data.deliveries).toEqual([expect.objectContaining({ digestId, status: "sent", email: r.email.toLowerCase(), messageId: expect.any(String) })]);
    expect(data.votes).toEqual([expect.objectContaining({ topicId: "pv-climate", topicTitle: "pv-climate", weight: 1, counted: true })]);
    expect(data.proposedTopics).toEqual([expect.objectContaining({ title: `Proposed by ${r.name}`, status: "proposed" })]);
    expect(data.signIn.linksSentAt).toHaveLength(1);
    expect(data.signIn.sessions).toEqual([{ createdAt: expect.any(String), expiresAt: expect.any(String) }]);
    expect(JSON.stringify(data)).not.toContain("ses_"); // a session's id is a credential, never exported

    expect((await request("/api/account/export")).status).toBe(401);
  });
});

describe("erasure", () => {
  it("leaves nothing personal in the table, keeps digest counts, uncounts their open vote, cancels the membership, ends the session", async () => {
    const r = await reader("erase");
    const member = await patron(r);
    const other = await reader("other");
    await patron(other);
    const digestId = await sendDigest();
    const [tallyBefore, countsBefore] = [await Db.Topics.tally("pv-climate"), await counts(digestId)];
    const needles = [r.email, r.name, r.id, member.customer.id, member.subscription.id];
    expect((await itemsMentioning(needles)).length).toBeGreaterThan(10); // the scan does find them while they are there

    const response = await r.call("POST", "/api/account/delete");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ erased: true, deliveries: 1, votes: 1, cancelledSubscriptions: 1 });
    expect(response.headers.getSetCookie().join()).toMatch(new RegExp(`${SignIn.COOKIE}=;.*Max-Age=0`));

    expect(await itemsMentioning(needles)).toEqual([]);
    expect(stripe.fake.subscriptions.get(member.subscription.id)?.status).toBe("canceled");
    // Their vote for the open topic stays, anonymous, but no longer counts (coffee: weight 1), as for a lapse.
    expect(await Db.Topics.tally("pv-climate")).toEqual({ score: tallyBefore.score - 1, voters: tallyBefore.voters - 1 });
    const votes = await Db.Votes.byTopic("pv-climate");
    expect(votes.filter((v) => v.counted).reduce((sum, v) => sum + v.weight, 0)).toBe(tallyBefore.score - 1);
    expect(votes.filter((v) => v.subscriberId.startsWith("anon_") && !v.counted)).toHaveLength(1);
    expect(await counts(digestId)).toEqual(countsBefore);
    await expectCountersMatchRecords(digestId);
    expect((await r.call("GET", "/api/account/export")).status).toBe(401);
    const account = await r.call("GET", "/account");
    expect([account.status, account.headers.get("location")]).toEqual([303, "/login"]);

    // The other reader is untouched.
    expect((await Db.Subscribers.get(other.id))?.name).toBe(other.name);
    expect(await Db.Votes.get("pv-climate", other.id)).toMatchObject({ counted: true });

    // Stripe's news of the cancellation, a late checkout event and the reconciliation bring nobody back.
    const cancelled = stripe.fake.subscriptions.get(member.subscription.id)!;
    for (const type of ["customer.subscription.deleted", "customer.subscription.updated"]) {
      expect(await (await deliver(event(type, cancelled))).json()).toMatchObject({ received: true });
    }
    await Patrons.reconcile();
    // Erasing again (a retried request) changes nothing either.
    expect(await Privacy.erase(r.id)).toEqual({ deliveries: 0, votes: 0, cancelledSubscriptions: 0 });
    expect(await itemsMentioning(needles)).toEqual([]);
    expect(await Db.Subscribers.getByEmail(r.email.toLowerCase())).toBeUndefined();
  });

  it("ends every session of the reader, on every device, not only the one that asked", async () => {
    const r = await reader("erase-devices");
    const phone = await SignIn.Sessions.start(r.id);
    const someoneElse = await reader("erase-bystander");
    const account = (cookie: string) => r.call("GET", "/account", { cookie });
    expect((await account(phone.cookie)).status).toBe(200);

    expect((await r.call("POST", "/api/account/delete")).status).toBe(200);

    for (const cookie of [r.cookie, phone.cookie]) expect((await account(cookie)).status).toBe(303);
    expect(await SignIn.Sessions.endAll(r.id)).toBe(0); // no session record is left behind
    expect((await someoneElse.call("GET", "/account")).status).toBe(200);
  });

  it("stops a queued delivery: the worker that takes its message sends nothing and the count stays", async () => {
    const r = await reader("queued");
    const control = await reader("control");
    const digest = { id: await digestWithStory() };
    expect((await editor("POST", `/api/digests/${digest.id}/send`)).status).toBe(202);
    for (let shard = 0; shard < 8; shard++) await planPage({ kind: "plan", digestId: digest.id, shard });
    expect(await Db.Deliveries.get(digest.id, r.id)).toMatchObject({ status: "queued" });
    const mailBefore = (await mailTo(r.email)).length;
    const before = await counts(digest.id);

    expect((await r.call("POST", "/api/account/delete")).status).toBe(200);
    await drain({ workers: 1, bucket: new Delivery.TokenBucket(1000) });

    expect(await mailTo(r.email)).toHaveLength(mailBefore);
    expect((await mailTo(control.email)).some((mail) => mail.body.text?.includes(`/pv-article-${period - 1}`))).toBe(true);
    const after = await counts(digest.id);
    expect(after).toMatchObject({ recipients: before.recipients, queued: 0, suppressed: before.suppressed! + 1, sent: before.queued! - 1 });
    expect(await Db.Deliveries.get(digest.id, control.id)).toMatchObject({ status: "sent" });
    expect(await itemsMentioning([r.email, r.name, r.id])).toEqual([]);
    // The erasure moved the queued delivery to suppressed under an anonymous id and its counters with it.
    await expectCountersMatchRecords(digest.id);
  });

  it("a delivery planned after the erasure (an index that lagged it) is kept only as an anonymous count", async () => {
    const r = await reader("lagged");
    const digestId = await digestWithStory();
    expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
    for (let shard = 0; shard < 8; shard++) await planPage({ kind: "plan", digestId, shard });
    const before = await counts(digestId);
    // The plan read the reader just before their erasure removed them: their delivery is queued, the profile gone.
    await Db.Erasure.removeProfile({ id: r.id, email: r.email.toLowerCase() });
    await drain({ workers: 1, bucket: new Delivery.TokenBucket(1000) });

    expect(await Db.Deliveries.get(digestId, r.id)).toBeUndefined();
    expect(await counts(digestId)).toMatchObject({ recipients: before.recipients, suppressed: before.suppressed! + 1 });
    const left = await itemsMentioning([r.email]);
    expect(left).toEqual([]);
    await expectCountersMatchRecords(digestId);
  });

  it("refuses (503) to erase a patron with a live membership where Stripe is not configured, changing nothing", async () => {
    const r = await reader("no-stripe");
    const at = new Date().toISOString();
    await Db.Patrons.save({
      subscriberId: r.id,
      status: "active",
      tierId: "coffee",
      stripeCustomerId: "cus_nostripe",
      stripeSubscriptionId: "sub_nostripe",
      subscriptionStatus: "active",
      createdAt: at,
      updatedAt: at,
      version: 1,
    });
    const key = process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_SECRET_KEY;
    Config.reset();
    try {
      const response = await r.call("POST", "/api/account/delete");
      expect([response.status, ((await response.json()) as any).error.code]).toEqual([503, "stripe_not_configured"]);
    } finally {
      process.env.STRIPE_SECRET_KEY = key;
      Config.reset();
    }
    expect(await Db.Subscribers.get(r.id)).toMatchObject({ status: "active", name: r.name });
    expect(await Db.Patrons.get(r.id)).toMatchObject({ stripeCustomerId: "cus_nostripe" });
    expect(await Db.Erasure.isErasedCustomer("cus_nostripe")).toBe(false);
  });

  it("refuses without a session (401) and from another origin (403), changing nothing; the account page's form asks for a tick", async () => {
    const r = await reader("refuse");
    expect((await request("/api/account/delete", { method: "POST" })).status).toBe(401);
    expect((await r.call("POST", "/api/account/delete", { origin: "https://evil.example" })).status).toBe(403);
    const form = (fields: Record<string, string>) =>
      request("/account/delete", {
        method: "POST",
        headers: { cookie: `${SignIn.COOKIE}=${r.cookie}`, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields),
      });
    const unticked = await form({});
    expect(unticked.status).toBe(400);
    expect(await unticked.text()).toMatch(/<html/);
    expect((await Db.Subscribers.get(r.id))?.status).toBe("active");

    const page = await (await r.call("GET", "/account")).text();
    expect(page).toContain('href="/api/account/export"');
    expect(page).toMatch(/<form method="post" action="\/account\/delete">/);

    const erased = await form({ confirm: "yes" });
    expect(erased.status).toBe(200);
    expect(await erased.text()).toContain("Your data is erased");
    expect(await itemsMentioning([r.email, r.name, r.id])).toEqual([]);
  });
});

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const redeemMails = async (email: string) => (await mailTo(email)).filter((m) => /A gift for you/.test(m.subject));
const tokenIn = (text: string | undefined) => decodeURIComponent(/\/gift\?token=([^\s"<>)]+)/.exec(text ?? "")![1]!);
const withoutTime = ({ exportedAt, ...data }: Privacy.PersonalData) => data;

/** A gift of three months of Coffee, paid through Checkout and recorded from its signed event: its session id. */
async function boughtGift(fields: { buyer: string; recipient: string; recipientName?: string; message?: string; deliverOn: string }) {
  const paid = charge({ customer: null, amount: 1500, currency: "eur" });
  const pi = paymentIntent({ id: paid.payment_intent as string, customer: null, amount: 1500, currency: "eur", latestCharge: paid.id });
  stripe.fake.charges.set(paid.id, paid);
  stripe.fake.paymentIntents.set(pi.id, pi);
  const session = checkoutSession({
    customer: null,
    subscription: null,
    mode: "payment",
    email: fields.buyer,
    metadata: {
      kind: "gift",
      tierId: "coffee",
      months: "3",
      recipientEmail: fields.recipient,
      deliverOn: fields.deliverOn,
      ...(fields.recipientName && { recipientName: fields.recipientName }),
      ...(fields.message && { message: fields.message }),
    },
  });
  Object.assign(session, { amount_total: 1500, amount_subtotal: 1500, currency: "eur", payment_intent: pi.id, payment_status: "paid" });
  expect((await deliver(event("checkout.session.completed", session))).status).toBe(200);
  return session.id;
}

describe("erasure and gifts", () => {
  it("a gift for the erased reader, not redeemed, is void: the schedule sends their address nothing and a link sent before redeems nothing", async () => {
    const a = await reader("giftee");
    const b = await reader("giver");
    const c = await reader("third");
    const [aEmail, bEmail, cEmail] = [a.email, b.email, c.email].map((email) => email.toLowerCase()) as [string, string, string];
    // For A: one delivered already (its link in A's mailbox), one due in three days from someone who never signed up.
    const sent = await boughtGift({ buyer: bEmail, recipient: aEmail, recipientName: a.name, message: `Happy birthday, ${a.name}`, deliverOn: day(0) });
    const stranger = uniqueEmail("stranger");
    const later = await boughtGift({ buyer: stranger, recipient: aEmail, recipientName: a.name, message: "See you soon", deliverOn: day(3) });
    // For C, from B: one C redeemed already, one due in three days.
    const redeemedByC = await boughtGift({ buyer: bEmail, recipient: cEmail, message: "For C", deliverOn: day(0) });
    const laterForC = await boughtGift({ buyer: bEmail, recipient: cEmail, deliverOn: day(3) });
    await Gifts.runSchedule();
    const aLink = tokenIn((await redeemMails(aEmail))[0]!.body.text);
    expect((await postForm("/gift", { token: tokenIn((await redeemMails(cEmail))[0]!.body.text) }, randomIp())).status).toBe(200);
    const cBefore = withoutTime(await Privacy.exportData(c.id));
    expect(cBefore.gifts.received.map((gift) => gift.id)).toEqual([redeemedByC]);

    const erased = await a.call("POST", "/api/account/delete");
    expect(erased.status).toBe(200);

    for (const id of [sent, later]) {
      const gift = (await Db.Gifts.get(id))!;
      expect(gift).toMatchObject({ status: "void", voidReason: Gifts.ERASED_REASON, recipientEmail: "erased", tierId: "coffee", months: 3, amount: 1500 });
      expect([gift.recipientName, gift.message]).toEqual([undefined, undefined]);
    }
    expect(await Db.Gifts.get(later)).toMatchObject({ buyerEmail: stranger }); // the buyer's side is the buyer's
    expect(await itemsMentioning([a.email, a.name, a.id])).toEqual([]);

    // The later gift's date comes: nothing for A's address; C's gift from B goes as it would have.
    await Gifts.runSchedule(new Date(Date.now() + 3 * DAY + 60_000));
    expect(await redeemMails(aEmail)).toHaveLength(1); // the one sent before the erasure, and no other
    expect(await redeemMails(cEmail)).toHaveLength(2);
    expect(await Db.Gifts.get(laterForC)).toMatchObject({ status: "delivered", recipientEmail: cEmail });
    // The link A had redeems nothing, and makes nobody.
    const page = await request(`/gift?token=${encodeURIComponent(aLink)}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("This gift can no longer be redeemed.");
    expect((await postForm("/gift", { token: aLink }, randomIp())).status).toBe(400);
    expect(await Db.Subscribers.getByEmail(aEmail)).toBeUndefined();
    expect(await Db.Subscribers.getByEmail("erased")).toBeUndefined();

    // Nobody else's data moved: C's export is as it was; B's keeps B, the gift for A void on A's side.
    expect(withoutTime(await Privacy.exportData(c.id))).toEqual(cBefore);
    const given = (await Privacy.exportData(b.id)).gifts.given;
    expect(given.map((gift) => gift.id).sort()).toEqual([sent, redeemedByC, laterForC].sort());
    expect(given.find((gift) => gift.id === sent)).toMatchObject({ buyerEmail: bEmail, status: "void", recipientEmail: "erased" });
    expect(given.find((gift) => gift.id === redeemedByC)).toMatchObject({ buyerEmail: bEmail, status: "redeemed", message: "For C" });
    const account = await (await b.call("GET", "/account")).text();
    expect(account).toContain("for someone whose data was erased");
    expect(account).toContain("void (its recipient asked us to erase their data)");
  });

  it("a gift the erased reader bought, signed up or not at the time, loses their address but still reaches its recipient", async () => {
    const address = uniqueEmail("early-buyer");
    const recipient = uniqueEmail("their-friend");
    // Bought before they signed up (no subscriber to tie it to then), and again after.
    const before = await boughtGift({ buyer: address, recipient, recipientName: "Olena", message: "From me", deliverOn: day(0) });
    const buyer = await saveSubscriber({ email: address });
    const after = await boughtGift({ buyer: address, recipient, deliverOn: day(0) });
    expect(await Db.Gifts.get(before)).not.toHaveProperty("buyerSubscriberId");
    expect(await Db.Gifts.get(after)).toMatchObject({ buyerSubscriberId: buyer.id });

    await Privacy.erase(buyer.id);
    for (const id of [before, after]) {
      const gift = (await Db.Gifts.get(id))!;
      expect(gift).toMatchObject({ status: "paid", recipientEmail: recipient });
      expect([gift.buyerEmail, gift.buyerSubscriberId, gift.message]).toEqual([undefined, undefined, undefined]);
    }
    expect(await Db.Gifts.get(before)).toMatchObject({ recipientName: "Olena" }); // the recipient's side is the recipient's
    expect(await itemsMentioning([address, buyer.id])).toEqual([]);

    await Gifts.runSchedule();
    const links = await redeemMails(recipient);
    expect(links).toHaveLength(2);
    expect(links.map((mail) => mail.body.text).join()).not.toContain("From me");
    expect((await postForm("/gift", { token: tokenIn(links[0]!.body.text) }, randomIp())).status).toBe(200);
    expect((await Db.Subscribers.getByEmail(recipient))?.id).toBeTruthy();
  });

  it("a gift recorded before gifts were found by address is found once the one-off migration has run", async () => {
    const r = await reader("older-gift");
    const address = r.email.toLowerCase();
    const id = await boughtGift({ buyer: uniqueEmail("older-buyer"), recipient: address, recipientName: r.name, deliverOn: day(1) });
    // As the release before left it: no ref under the address.
    await Db.GiftAddresses.forget(address);
    expect(await Db.GiftAddresses.byAddress(address)).toEqual({ bought: [], toThem: [] });

    expect(await migrateGiftAddresses(() => undefined)).toBeGreaterThan(0);
    expect(await migrateGiftAddresses(() => undefined)).toBeGreaterThan(0); // again: the same refs, nothing else
    expect((await Db.GiftAddresses.byAddress(address)).toThem).toEqual([id]);
    await Privacy.erase(r.id);
    expect(await Db.Gifts.get(id)).toMatchObject({ status: "void", recipientEmail: "erased" });
    expect(await itemsMentioning([address, r.name])).toEqual([]);
  });
});

