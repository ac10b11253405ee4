/**
 * Win-back against the local stack and the fake Stripe: a patron whose paid membership lapsed gets one email
 * WINBACK_DAYS after (not a day before), once under repeated and concurrent runs, none once a patron again, erased,
 * unsubscribed, bounced or complained, nor after a comp; a second lapse its own; in the reader's language; lapses
 * found a page at a time; the promotion code shown and applied to Checkout when WINBACK_PROMOTION_CODE is set (and
 * never a failed checkout when Stripe does not take it); Stripe's events for the lapse out of order and twice.
 *
 * Each test lapses its patrons at a moment of its own (a year apart from every other test's), so one test's runs
 * never find another's lapses.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type Stripe from "stripe";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as Email from "../../core/email";
import * as Patrons from "../../core/patrons";
import { winBack, winBackMessageFor } from "../../core/patrons/winback";
import * as Privacy from "../../core/privacy";
import * as Subscribers from "../../core/subscribers";
import * as Tokens from "../../core/tokens";
import { migrateLapsedIndex } from "../../scripts/migrate-lapsed-index";
import { recordPath } from "../../functions/api/views/editor-subscribers";
import { demoSettings } from "../../scripts/local-stack";
import { promotionCode } from "../../scripts/stripe-standin/promotion-codes";
import { dashboardCookie, dashboardGet } from "../helpers/dashboard";
import { saveSubscriber } from "../helpers/factories";
import { startSesProxy } from "../helpers/ses-proxy";
import { postForm, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail, type StoredEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event } from "../helpers/stripe-objects";
import type { Subscriber } from "../../core/subscribers";

useLocalStack();
const stripe = useFakeStripe();

const DAY = 86_400_000;
const WINBACK = /^(Thank you for supporting|Дякуємо, що підтримували)/;
const winBacks = async (address: string) => (await mailTo(address)).filter((mail) => WINBACK.test(mail.subject));
const days = (from: Date | string, count: number) => new Date(new Date(from).getTime() + count * DAY);

let era = Date.parse("2031-01-01T00:00:00.000Z");
/** A moment of the test's own, a year from every other test's (runs look back WINBACK_DAYS and a week). */
const ownMoment = () => new Date((era += 400 * DAY));

beforeAll(() => {
  // Coffee lets readers type a code at Checkout: a session with the win-back's discount must not ask for both.
  const tiers = JSON.parse(demoSettings.TIERS) as Array<Record<string, unknown>>;
  process.env.TIERS = JSON.stringify(tiers.map((tier) => (tier.id === "coffee" ? { ...tier, promotionCodes: true } : tier)));
  delete process.env.WINBACK_PROMOTION_CODE;
  // Patron emails are paced from the transactional reserve: a test's dozens of them need not wait for it.
  Object.assign(process.env, { SES_MAX_SEND_RATE: "500", TRANSACTIONAL_SEND_RATE: "250" });
  Config.reset();
});

function offerCode(code: string | undefined) {
  if (code) process.env.WINBACK_PROMOTION_CODE = code;
  else delete process.env.WINBACK_PROMOTION_CODE;
  Config.reset();
}

/** A reader paying for Coffee through Stripe since 40 days before `at`, whose subscription ended at `at`. */
async function lapsed(name: string, at: Date, subscriber: Partial<Subscriber> = {}) {
  const reader = await saveSubscriber({ email: uniqueEmail(name), ...subscriber });
  const member = stripeMember(stripe.fake, {
    email: reader.email,
    subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: reader.id } },
  });
  await Patrons.syncCustomer(member.customer.id, { subscriberId: reader.id }, days(at, -40));
  stripe.fake.put({ ...member.subscription, status: "canceled" });
  await Patrons.syncCustomer(member.customer.id, { subscriberId: reader.id }, at);
  expect(await Patrons.get(reader.id)).toMatchObject({ status: "lapsed", lapsedAt: at.toISOString() });
  return { reader, ...member };
}

/** The `/join…` link of a win-back's text part. */
const joinLink = (mail: StoredEmail) => mail.body.text?.match(/https?:\/\/[^/\s]+(\/join\?[^\s\])>]+)/)?.[1];

describe("when the win-back goes", () => {
  it("not on day 29; on day 30 one email, whether runs repeat, overlap, or a stale write drops the lapse's mark", async () => {
    const at = ownMoment();
    const { reader } = await lapsed("day-30", at);

    expect((await winBack(days(at, 29))).sent).not.toContain(reader.id);
    expect(await winBacks(reader.email)).toHaveLength(0);
    const cookie = await dashboardCookie("editor");
    const record = async () => (await (await dashboardGet(cookie, recordPath(reader.email))).text()).replace(/\s+/g, " ");
    expect(await record()).toMatch(/Win-back email<\/th> ?<td>Due on [^<]+<\/td>/);

    const runs = await Promise.all([winBack(days(at, 30)), winBack(days(at, 30)), winBack(days(at, 30))]);
    expect(runs.flatMap((run) => run.sent).filter((id) => id === reader.id)).toHaveLength(1);
    expect((await winBack(days(at, 30.5))).sent).not.toContain(reader.id);
    expect(await Patrons.get(reader.id)).toMatchObject({ winBack: { lapsedAt: at.toISOString(), outcome: "sent" } });
    expect(await record()).toMatch(/Win-back email<\/th> ?<td>Sent on [^<]+<\/td>/);

    // A write from a read before the mark drops it: the lapse is found again, and its kept claim sends nothing.
    const patron = (await Patrons.get(reader.id))!;
    const { winBack: _mark, ...unmarked } = patron;
    await Db.Patrons.save({ ...unmarked, version: patron.version + 1 }, patron);
    expect((await winBack(days(at, 31))).sent).not.toContain(reader.id);
    expect((await Patrons.get(reader.id))?.winBack).toMatchObject({ outcome: "sent" }); // marked again

    const mails = await winBacks(reader.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("Thank you for supporting Tidings");
    expect(mails[0]!.body.text).toMatch(/Coffee patron of Tidings \(€5 a month\)/);
    expect(joinLink(mails[0]!)).toBe("/join?tier=coffee&src=email:winback");
    expect(mails[0]!.body.text).not.toContain("the code");
    expect(mails[0]!.body.text).toContain(demoSettings.POSTAL_ADDRESS);
    expect(mails[0]!.body.text).toMatch(/\/unsubscribe\?token=/);
  });

  it("SES failing gives the claim back, so the next run sends it; a run that crashed mid-send holds it off only for its lease", async () => {
    const at = ownMoment();
    const failing = await lapsed("ses-fails", at);
    const crashed = await lapsed("crashed", at);
    // Another run claimed the second and died before sending: its lease (2 minutes) holds.
    expect(await Db.WinBacks.claim(crashed.reader.id, at.toISOString(), 120, days(at, 30))).toBe("ours");

    const proxy = await startSesProxy({ unknownErrorFor: [failing.reader.email] });
    let first: Awaited<ReturnType<typeof winBack>>;
    try {
      first = await winBack(days(at, 30));
    } finally {
      await proxy.stop();
    }
    expect(first.failed).toEqual([failing.reader.id]);
    expect(first.sent).toEqual([]);

    const later = await winBack(new Date(days(at, 30).getTime() + 3 * 60_000));
    expect(later.sent.sort()).toEqual([failing.reader.id, crashed.reader.id].sort());
    expect((await winBack(days(at, 31))).sent).toEqual([]);
    for (const { reader } of [failing, crashed]) expect(await winBacks(reader.email)).toHaveLength(1);
  });

  it("is marketing email: one-click unsubscribe headers that work, and the footer's links", async () => {
    const at = ownMoment();
    const { reader } = await lapsed("headers", at);
    const composed = (await Email.compose(await winBackMessageFor((await Patrons.get(reader.id))!, reader))).toString();
    const raw = composed.replace(/\r\n[ \t]+/g, " "); // headers unfolded
    expect(raw).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1:3000\/unsubscribe\?token=[^>]+>/m);
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(raw).toMatch(/^Content-Language: en/m);

    const oneClick = raw.match(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1:3000(\/unsubscribe\?token=[^>]+)>/m)![1]!;
    const answer = await request(oneClick, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(answer.status).toBe(200);
    expect((await Db.Subscribers.get(reader.id))?.status).toBe("unsubscribed");
    await winBack(days(at, 30));
    expect(await winBacks(reader.email)).toHaveLength(0);
  });

  it("a patron again before day 30 gets none; a second lapse later gets its own", async () => {
    const at = ownMoment();
    const { reader, customer, subscription } = await lapsed("rejoined", at);

    stripe.fake.put({ ...subscription, id: `${subscription.id}_again`, status: "active", created: subscription.created + 1 });
    await Patrons.syncCustomer(customer.id, { subscriberId: reader.id }, days(at, 10));
    expect((await Patrons.get(reader.id))?.status).toBe("active");
    await winBack(days(at, 30));
    expect(await winBacks(reader.email)).toHaveLength(0);

    // Lapsed again 100 days on: its win-back 30 days after that, and then no other.
    stripe.fake.put({ ...stripe.fake.subscriptions.get(`${subscription.id}_again`)!, status: "canceled" });
    await Patrons.syncCustomer(customer.id, { subscriberId: reader.id }, days(at, 110));
    expect((await Patrons.get(reader.id))?.lapsedAt).toBe(days(at, 110).toISOString());
    expect((await winBack(days(at, 140))).sent).toContain(reader.id);
    await winBack(days(at, 141));
    expect(await winBacks(reader.email)).toHaveLength(1);

    // And a third, a year after: one more.
    stripe.fake.put({ ...stripe.fake.subscriptions.get(`${subscription.id}_again`)!, status: "active" });
    await Patrons.syncCustomer(customer.id, { subscriberId: reader.id }, days(at, 200));
    stripe.fake.put({ ...stripe.fake.subscriptions.get(`${subscription.id}_again`)!, status: "canceled" });
    await Patrons.syncCustomer(customer.id, { subscriberId: reader.id }, days(at, 300));
    expect((await winBack(days(at, 330))).sent).toContain(reader.id);
    expect(await winBacks(reader.email)).toHaveLength(2);
  });

  it("never to a reader unsubscribed, bounced or complained", async () => {
    const at = ownMoment();
    const unsubscribed = await lapsed("unsubscribed", at);
    const bounced = await lapsed("bounced", at);
    const complained = await lapsed("complained", at);
    await Subscribers.unsubscribe(Tokens.sign("unsubscribe", unsubscribed.reader.id), "one-click");
    await Subscribers.markBounced(bounced.reader.id, "permanent");
    await Subscribers.markComplained(complained.reader.id);

    const run = await winBack(days(at, 30));

    expect(run.sent).toEqual([]);
    expect(run.settled).toBe(3);
    for (const { reader } of [unsubscribed, bounced, complained]) {
      expect(await winBacks(reader.email)).toHaveLength(0);
      expect((await Patrons.get(reader.id))?.winBack).toMatchObject({ outcome: "none" });
      expect((await Db.Erasure.partition(reader.id)).filter((item) => item.entity === "winback")).toEqual([]);
    }
  });

  it("never to an erased reader; one sent before erasure is in the export, and goes with them", async () => {
    const at = ownMoment();
    const erased = await lapsed("erased", at);
    const sent = await lapsed("erased-later", at);
    await Privacy.erase(erased.reader.id);

    expect((await winBack(days(at, 30))).sent).toEqual([sent.reader.id]);
    expect(await winBacks(erased.reader.email)).toHaveLength(0);

    expect((await Privacy.exportData(sent.reader.id, days(at, 31))).winBacks).toEqual([
      { lapsedAt: at.toISOString(), sentAt: days(at, 30).toISOString() },
    ]);
    await Privacy.erase(sent.reader.id);
    expect(await Db.Erasure.partition(sent.reader.id)).toEqual([]);
  });

  it("in the reader's language", async () => {
    const at = ownMoment();
    const { reader } = await lapsed("ukrainian", at, { language: "uk", name: "Олена" });
    await winBack(days(at, 30));
    const [mail] = await winBacks(reader.email);
    expect(mail?.subject).toBe("Дякуємо, що підтримували Tidings");
    expect(mail?.body.text).toContain("Добрий день, Олена!");
    expect(mail?.body.text).toMatch(/ви були меценатом рівня Coffee у Tidings \(5\s€\sна місяць\)/u);
    expect(mail?.body.text).toContain(new Intl.DateTimeFormat("uk", { dateStyle: "long", timeZone: "UTC" }).format(at));
  });
});

describe("finding the lapses due", () => {
  it("reads them a page at a time, each once; comps and gifts that ended get none, nor lapses of another day", async () => {
    const at = ownMoment();
    // Seven paid lapses within an hour of each other, two ended comps (one over an old paid period), one lapse a day too
    // late and one outside the catch-up week.
    const paid = await Promise.all(Array.from({ length: 7 }, (_, i) => lapsedRecord(`page-${i}`, new Date(at.getTime() + i * 60_000), {})));
    const comps = await Promise.all([
      lapsedRecord("comp-ended", at, { stripeSubscriptionId: undefined, compTierId: "coffee", compedUntil: at.toISOString() }),
      lapsedRecord("gift-after-paid", at, { compTierId: "coffee", compedUntil: at.toISOString(), currentPeriodEnd: days(at, -60).toISOString() }),
    ]);
    const paidUnderComp = await lapsedRecord("paid-after-comp", at, { compTierId: "coffee", compedUntil: days(at, -90).toISOString(), currentPeriodEnd: at.toISOString() });
    const tomorrow = await lapsedRecord("not-yet", days(at, 1), {});
    const tooOld = await lapsedRecord("too-old", days(at, -8), {});

    expect((await winBack(days(at, 30.1), { pageSize: 3, budgetMs: 0 })).sent).toEqual([]); // out of time at once
    const run = await winBack(days(at, 30.1), { pageSize: 3 });

    expect(run.sent.sort()).toEqual([...paid.map((r) => r.id), paidUnderComp.id].sort());
    expect(run.settled).toBe(1); // the gift over an old paid period; the comp without Stripe is not even read
    for (const reader of [...comps, tomorrow, tooOld]) expect(await winBacks(reader.email)).toHaveLength(0);
    expect((await winBack(days(at, 30.2), { pageSize: 3 })).sent).toEqual([]);
    expect((await winBack(days(at, 31.1), { pageSize: 3 })).sent).toEqual([tomorrow.id]);
  });

  it("patrons who lapsed before lapses were sorted by time are found once the migration has given them the key", async () => {
    const at = ownMoment();
    const reader = await lapsedRecord("old-key", at, {});
    // As the release before wrote it: sorted by id.
    const item = Db.Patrons.itemOf((await Patrons.get(reader.id))!);
    await Db.db().send(new (await import("@aws-sdk/lib-dynamodb")).PutCommand({ TableName: Db.tableName(), Item: { ...item, gsi2sk: reader.id } }));
    expect((await winBack(days(at, 30))).sent).toEqual([]);

    const lines: string[] = [];
    expect((await migrateLapsedIndex((line) => lines.push(line))).moved).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/lapsed patrons sorted by when they lapsed/);
    expect((await migrateLapsedIndex(() => undefined)).moved).toBe(0);
    expect((await winBack(days(at, 30))).sent).toEqual([reader.id]);
  });
});

/** A lapsed patron record as the membership rules leave one (arranged straight in the table), of a new reader. */
async function lapsedRecord(name: string, at: Date, fields: Partial<Patrons.Patron>) {
  const reader = await saveSubscriber({ email: uniqueEmail(name) });
  const iso = at.toISOString();
  await Db.Patrons.save({
    subscriberId: reader.id,
    status: "lapsed",
    tierId: "coffee",
    stripeCustomerId: `cus_${reader.id}`,
    stripeSubscriptionId: `sub_${reader.id}`,
    stripePriceId: "price_coffee",
    subscriptionStatus: "canceled",
    currentPeriodEnd: iso,
    lapsedAt: iso,
    createdAt: iso,
    updatedAt: iso,
    version: 1,
    ...fields,
  });
  return reader;
}

describe("the promotion code", () => {
  const sessions = () => stripe.fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");

  it("when set: shown in the email, carried by its link to /join, and applied to the Checkout session", async () => {
    offerCode("COMEBACK");
    try {
      const promo = promotionCode({ code: "COMEBACK" });
      stripe.fake.promotionCodes.set(promo.id, promo);
      const at = ownMoment();
      const { reader } = await lapsed("promo", at);
      await winBack(days(at, 30));
      const [mail] = await winBacks(reader.email);
      expect(mail?.body.text).toContain("the code COMEBACK is yours");
      const link = joinLink(mail!)!;
      expect(link).toBe("/join?tier=coffee&promo=COMEBACK&src=email:winback");

      const page = await (await request(link)).text();
      expect(page).toContain('name="promo" value="COMEBACK"');
      expect(page).toContain('name="source" value="email:winback"');
      expect(page).toContain("Your code COMEBACK will be applied at checkout.");

      const joined = await postForm("/join", { plan: "coffee/month/eur", email: reader.email, source: "email:winback", promo: "COMEBACK" }, randomIp());
      expect(joined.status).toBe(303);
      const asked = sessions().at(-1)!.body;
      expect(asked.discounts).toEqual([{ promotion_code: promo.id }]);
      expect(asked.allow_promotion_codes).toBeUndefined();
      expect(asked.metadata).toMatchObject({ source: "email:winback", subscriberId: reader.id });
      expect(stripe.fake.requests.filter((r) => r.path === "/v1/promotion_codes").at(-1)?.query).toMatchObject({ code: "COMEBACK", active: "true" });
      expect(stripe.fake.checkoutSessions.at(-1)!.session.discounts).toEqual([{ coupon: null, promotion_code: promo.id }]);
    } finally {
      offerCode(undefined);
    }
  });

  it("when not set: no code in the email, and a code in a link is not applied", async () => {
    const at = ownMoment();
    const { reader } = await lapsed("no-promo", at);
    await winBack(days(at, 30));
    const [mail] = await winBacks(reader.email);
    expect(joinLink(mail!)).toBe("/join?tier=coffee&src=email:winback");

    expect(await (await request("/join?tier=coffee&promo=COMEBACK")).text()).not.toContain('name="promo"');
    expect((await postForm("/join", { tier: "coffee", email: uniqueEmail("any-code"), promo: "COMEBACK" }, randomIp())).status).toBe(303);
    const asked = sessions().at(-1)!.body;
    expect(asked.discounts).toBeUndefined();
    expect(asked.allow_promotion_codes).toBe("true"); // the tier's own code field, as before
  });

  it("a code that is not the win-back's, unknown to Stripe, inactive, or refused with the session: checkout without it", async () => {
    offerCode("COMEBACK");
    try {
      const join = (promo: string) => postForm("/join", { tier: "coffee", email: uniqueEmail("code"), promo }, randomIp());
      // Not ours: never looked up.
      const lookups = () => stripe.fake.requests.filter((r) => r.path === "/v1/promotion_codes").length;
      const before = lookups();
      expect((await join("OTHER10")).status).toBe(303);
      expect(lookups()).toBe(before);
      expect(sessions().at(-1)!.body.discounts).toBeUndefined();

      // Ours, in another case, but not at Stripe (none yet in this test's fake once cleared), then inactive.
      stripe.fake.promotionCodes.clear();
      expect((await join("comeback")).status).toBe(303);
      expect(sessions().at(-1)!.body).toMatchObject({ allow_promotion_codes: "true" });
      expect(sessions().at(-1)!.body.discounts).toBeUndefined();
      const inactive = promotionCode({ code: "COMEBACK", active: false });
      stripe.fake.promotionCodes.set(inactive.id, inactive);
      expect((await join("COMEBACK")).status).toBe(303);
      expect(sessions().at(-1)!.body.discounts).toBeUndefined();

      // Active, but Stripe refuses the session with it (a code for first-time customers): asked again without it.
      const active = promotionCode({ code: "COMEBACK" });
      stripe.fake.promotionCodes.set(active.id, active);
      stripe.fake.failNext({ method: "POST", path: /^\/v1\/checkout\/sessions$/ }, 400);
      const count = sessions().length;
      expect((await join("COMEBACK")).status).toBe(303);
      const [refused, retried] = sessions().slice(count);
      expect(refused!.body.discounts).toEqual([{ promotion_code: active.id }]);
      expect(retried!.body.discounts).toBeUndefined();
      expect(retried!.body.allow_promotion_codes).toBe("true");
    } finally {
      offerCode(undefined);
    }
  });

  it("an overlong code is a 400; anything else that is not the win-back's is ignored", async () => {
    expect((await request(`/join?tier=coffee&promo=${"x".repeat(101)}`)).status).toBe(400);
    expect((await request("/join?tier=coffee&promo=%3Cscript%3E")).status).toBe(200);
  });
});

describe("Stripe's events for the lapse", () => {
  it("out of order and twice: one lapse time, one win-back", async () => {
    const reader = await saveSubscriber({ email: uniqueEmail("events") });
    const member = stripeMember(stripe.fake, {
      email: reader.email,
      subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: reader.id } },
    });
    const created = event("customer.subscription.created", member.subscription);
    expect((await deliver(created)).status).toBe(200);
    const ended: Stripe.Subscription = { ...member.subscription, status: "canceled" };
    stripe.fake.put(ended);
    const deleted = event("customer.subscription.deleted", ended);
    const updated = event("customer.subscription.updated", { ...ended, status: "active" }, { created: created.created - 60 });

    // The deletion first, then an older update, then each again, and the creation again.
    for (const sent of [deleted, updated, deleted, updated, created]) expect((await deliver(sent)).status).toBe(200);
    const patron = (await Patrons.get(reader.id))!;
    expect(patron.status).toBe("lapsed");
    const lapsedAt = patron.lapsedAt!;

    const due = days(lapsedAt, 30);
    const runs = await Promise.all([winBack(due), winBack(due)]);
    await winBack(days(due, 1));
    expect(runs.flatMap((run) => run.sent).filter((id) => id === reader.id)).toHaveLength(1);
    expect(await winBacks(reader.email)).toHaveLength(1);
    expect((await Patrons.get(reader.id))?.lapsedAt).toBe(lapsedAt);
  });
});
