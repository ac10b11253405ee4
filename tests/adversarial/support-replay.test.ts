/**
 * Support beyond membership, replayed at volume: many random people give (preset and custom amounts, some covering
 * the fee, some towards topics with a funding goal, some signed in, some ticking the sign-up box) and buy gifts,
 * through the app's own checkouts; Stripe then completes (some payments settling later, some failing), refunds (in
 * full, in part, twice) and disputes (open, won, lost), and every webhook event it sends for that is delivered
 * shuffled, some twice, concurrently, some while Stripe moves on, through the real signed webhook route, while a
 * proxy in front of DynamoDB Local fails a share of the app's requests and Stripe's API fails now and then (the
 * sender delivers again whatever was answered 5xx, as Stripe does). Meanwhile the gifts' schedule runs twice at
 * once, again and again; then recipients redeem (some twice at once, some two gifts at once), and some redeemed
 * gifts are refunded after. At the end:
 * - every event the app listens to was processed (none swallowed as a "duplicate" of itself);
 * - each contribution is recorded once (none whose payment failed), with its amount, fee, topic, contributor,
 *   refunds and dispute as Stripe has them; the month's totals and each topic's funding (raised, contributors)
 *   equal the sums recomputed from the records as the app defines them (what was paid net of refunds; a
 *   contributor unless refunded in full);
 * - each contribution was thanked exactly once;
 * - each gift is recorded once: void when refunded or disputed before redemption (and never redeemed), its redeem
 *   link sent exactly once if it was due and not void before the schedule reached it, redeemed at most once, its
 *   recipient a comped patron of its tier until the end its months (added up, for two gifts) make, welcomed once;
 * - later, each recipient is invited once to continue as a paying patron, before the end of their last gift.
 * Short in `npm test`, long in `npm run test:long`. Seeded: SUPPORT_REPLAY_SEED=<n> replays the people, their
 * histories and the mix of faults (not the timing).
 */
import { describe, expect, it } from "vitest";
import type Stripe from "stripe";
import * as Config from "../../core/config";
import * as Contributions from "../../core/contributions";
import * as Db from "../../core/db";
import * as Gifts from "../../core/gifts";
import * as Tokens from "../../core/tokens";
import { dateInWords } from "../../core/patrons/notify";
import { handlers } from "../../core/patrons/webhooks";
import { completeCheckout } from "../../scripts/stripe-standin/actions";
import { startDynamoDbProxy } from "../helpers/dynamodb-proxy";
import { createTopic, saveSubscriber } from "../helpers/factories";
import { postForm, randomIp } from "../helpers/http";
import { mailboxes, uniqueEmail, type StoredEmail } from "../helpers/mail";
import { useLocalStackWith } from "../helpers/own-dynamodb";
import { random, type Random } from "../helpers/random";
import { useFakeStripe } from "../helpers/stripe";
import { shuffle } from "../helpers/stripe-history";
import { dispute, event, refund } from "../helpers/stripe-objects";
import { pool, Sender } from "../helpers/webhook-sender";
import { byRun, LONG } from "./scale";

useLocalStackWith({ ownDynamoDb: LONG });
const stripe = useFakeStripe();

const SIZE = byRun(
  { contributions: 36, gifts: 30, topics: 3, faultRate: 0.08, stripeFaults: 6, concurrency: 8 },
  { contributions: 500, gifts: 200, topics: 8, faultRate: 0.05, stripeFaults: 30, concurrency: 24 },
);
const SEED = process.env.SUPPORT_REPLAY_SEED ? Number(process.env.SUPPORT_REPLAY_SEED) : Math.floor(Math.random() * 2 ** 31);

const DAY_MS = 86_400_000;
const THANKS = /^Thank you for supporting/;
const REDEEM = /^A gift for you/;
const WELCOME = /^Welcome, patron of/;
const INVITATION = /^Your gift membership of .* ends on /;
/**
 * The Stripe reads the webhook's handlers make: a payment intent's charge (which only a recording looks for, after
 * writing: half the faults, so that some recordings fail half-way), the charge, its disputes.
 */
const STRIPE_READS = [/^\/v1\/payment_intents\//, /^\/v1\/payment_intents\//, /^\/v1\/charges\//, /^\/v1\/disputes/];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What happens at Stripe to a payment after its checkout, step by step. A payment by a method that settles later
 * (a bank debit) completes unpaid, then succeeds or fails.
 */
type Step = "complete" | "complete_later" | "settle" | "settle_fail" | "refund_part" | "refund_rest" | "dispute_open" | "dispute_won" | "dispute_lost";

const CONTRIBUTION_PLANS: Record<string, Step[]> = {
  paid: ["complete"],
  refunded_in_part: ["complete", "refund_part"],
  refunded_twice: ["complete", "refund_part", "refund_rest"],
  refunded: ["complete", "refund_rest"],
  disputed: ["complete", "dispute_open"],
  dispute_won: ["complete", "dispute_open", "dispute_won"],
  dispute_lost: ["complete", "dispute_open", "dispute_lost"],
  refunded_then_lost: ["complete", "refund_part", "dispute_open", "dispute_lost"],
  settled_later: ["complete_later", "settle"],
  settled_later_refunded: ["complete_later", "settle", "refund_rest"],
  payment_failed: ["complete_later", "settle_fail"],
};

/**
 * Gifts: redeemed (once, or twice at once), refunded after redemption, voided before it (refund in full or in part,
 * dispute), refunded while its recipient redeems it (either may win, never both), delivered and never redeemed, not
 * due yet, or never paid.
 */
type GiftPlan = "redeem" | "redeem_twice" | "refund_after" | "void_refund" | "void_refund_part" | "void_dispute" | "void_race" | "unredeemed" | "later" | "payment_failed";
const GIFT_PLANS: GiftPlan[] = ["redeem", "redeem_twice", "refund_after", "void_refund", "void_refund_part", "void_dispute", "void_race", "unredeemed", "later", "payment_failed"];
const VOID_STEP: Partial<Record<GiftPlan, Step>> = { void_refund: "refund_rest", void_refund_part: "refund_part", void_dispute: "dispute_open" };
const REDEEMED: GiftPlan[] = ["redeem", "redeem_twice", "refund_after"];

/** A payment at Stripe: its Checkout session (completed by the first step), and its charge and dispute as they move. */
class Payment {
  session!: Stripe.Checkout.Session;
  charge?: Stripe.Charge;
  dispute?: Stripe.Dispute;
  /** Its payment failed (settling later): never paid, nothing to record. */
  failed = false;

  constructor(
    readonly entry: { params: Record<string, any>; session: Stripe.Checkout.Session },
    readonly steps: Step[],
  ) {}

  /** Takes `step` at Stripe and answers the events Stripe sends for it (each carrying the object as it is now). */
  take(step: Step, rnd: Random): Stripe.Event[] {
    const fake = stripe.fake;
    const now = <T>(object: T) => structuredClone(object);
    if (step === "complete" || step === "complete_later") {
      const sent = completeCheckout(fake, this.entry);
      this.session = this.entry.session;
      const intent = fake.paymentIntents.get(this.session.payment_intent as string)!;
      this.charge = fake.charges.get(intent.latest_charge as string)!;
      if (step === "complete") return sent.map(([type, object]) => event(type, now(object)));
      // Checkout completes before the money arrives: the session unpaid, the payment processing.
      this.session.payment_status = "unpaid";
      Object.assign(intent, { status: "processing" });
      Object.assign(this.charge, { status: "pending" });
      return [event("checkout.session.completed", now(this.session))];
    }
    const charge = this.charge!;
    const intent = stripe.fake.paymentIntents.get(this.session.payment_intent as string)!;
    if (step === "settle") {
      this.session.payment_status = "paid";
      Object.assign(intent, { status: "succeeded" });
      Object.assign(charge, { status: "succeeded" });
      return [event("checkout.session.async_payment_succeeded", now(this.session)), event("charge.succeeded", now(charge))];
    }
    if (step === "settle_fail") {
      this.failed = true;
      Object.assign(intent, { status: "requires_payment_method" });
      Object.assign(charge, { status: "failed" });
      return [event("checkout.session.async_payment_failed", now(this.session)), event("charge.failed", now(charge))];
    }
    if (step === "refund_part" || step === "refund_rest") {
      const left = charge.amount - charge.amount_refunded;
      const amount = step === "refund_rest" ? left : Math.max(1, Math.floor(left * (0.1 + 0.5 * rnd.next())));
      Object.assign(charge, { amount_refunded: charge.amount_refunded + amount, refunded: charge.amount_refunded + amount >= charge.amount });
      return [event("charge.refunded", now(charge)), event("charge.refund.updated", refund({ charge, amount }))];
    }
    if (step === "dispute_open") {
      charge.disputed = true;
      this.dispute = dispute({ charge, status: "needs_response" });
      fake.disputes.set(this.dispute.id, this.dispute);
      return [event("charge.dispute.created", now(this.dispute))];
    }
    this.dispute!.status = step === "dispute_won" ? "won" : "lost";
    return [event("charge.dispute.closed", now(this.dispute!))];
  }
}

interface Given {
  payment: Payment;
  plan: string;
  email: string;
  amount: number;
  fee: number;
  topicId?: string;
  /** The subscriber the contribution is theirs: signed in, or signed up by the checkout's box. */
  subscriberId?: string;
  how: "guest" | "signed_in" | "signed_up";
}

interface Bought {
  payment: Payment;
  plan: GiftPlan;
  tierId: string;
  months: number;
  amount: number;
  recipient: string;
  deliverOn: string;
}

/** The status the spec's words give a contribution as Stripe has its charge (product.md → Contributions). */
function statusAtStripe(charge: Stripe.Charge, disputed?: Stripe.Dispute) {
  if (disputed && disputed.status !== "won") return "disputed";
  if (charge.amount_refunded >= charge.amount) return "refunded";
  return charge.amount_refunded > 0 ? "partially_refunded" : "paid";
}

/** The session the app's checkout created at Stripe, found by the URL it answered. */
function sessionAt(url: string) {
  const entry = stripe.fake.checkoutSessions.find((s) => s.session.url === url);
  if (!entry) throw new Error(`no Checkout session at ${url}`);
  return entry;
}

/** Answers `POST /gift` for `token` as a reader pressing the button again after an error page would. */
async function redeemByHand(token: string): Promise<{ status: number; text: string; errors: number }> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const answer = await postForm("/gift", { token }, randomIp());
    if (answer.status < 500) return { status: answer.status, text: await answer.text(), errors: attempt };
    await sleep(20 * attempt);
  }
  throw new Error("POST /gift answered 5xx 30 times");
}

const tokenIn = (email: StoredEmail) => decodeURIComponent(/\/gift\?token=([^\s"<>)&]+)/.exec(email.body.text ?? "")?.[1] ?? "");
/** The gift a redeem email's link names (signed at `at`: the schedule's time). */
const giftOf = (email: StoredEmail, at = new Date()) => Tokens.verify(tokenIn(email), "gift", at).subject;

describe("Contributions and gifts replayed at volume, with DynamoDB failing", () => {
  it(`records, counts, thanks, voids, delivers and redeems each once (seed ${SEED})`, async () => {
    const started = performance.now();
    const since = Date.now();
    const rnd = random(SEED);
    stripe.fake.latencyMs = 10;
    const config = Config.get();
    const today = new Date().toISOString().slice(0, 10);

    // Topics to fund: most with a goal, one without (the counter runs all the same).
    const topics: string[] = [];
    for (let i = 0; i < SIZE.topics; i++) {
      topics.push((await createTopic({ status: "open", ...(i > 0 && { fundingGoal: 10_000 * (i + 1) }) })).id);
    }

    // People give, through the app's own checkout (as the support page starts it): the metadata is the app's.
    const given: Given[] = [];
    const plans = Object.keys(CONTRIBUTION_PLANS);
    for (let i = 0; i < SIZE.contributions; i++) {
      // Some give twice: a second contribution of the same address, thanked for each.
      const again = i > 0 && rnd.chance(0.1) ? rnd.pick(given) : undefined;
      const email = again?.email ?? uniqueEmail(`give${i}`);
      const how = again?.how ?? rnd.pick(["guest", "guest", "signed_in", "signed_up"] as const);
      const amount = rnd.chance(0.6) ? rnd.pick(config.CONTRIBUTION_AMOUNTS) : config.CONTRIBUTION_MIN + Math.floor(rnd.next() * 20_000);
      const topicId = rnd.chance(0.6) ? rnd.pick(topics) : undefined;
      const coverFee = rnd.chance(0.3);
      const subscriber = how === "signed_in" ? (again?.subscriberId ? await Db.Subscribers.get(again.subscriberId) : await saveSubscriber({ email })) : undefined;
      const { url } = await Contributions.checkout(
        { amount, topicId, email, coverFee, subscribe: how === "signed_up" && !again, ...(subscriber && { subscriber }) },
        { ip: randomIp() },
      );
      const entry = sessionAt(url);
      // Each plan once first, so every seed has every outcome at Stripe (the check at the end); then at random.
      const plan = i < plans.length ? plans[i]! : rnd.pick(plans);
      const subscriberId = subscriber?.id ?? (how === "signed_up" ? (await Db.Subscribers.getByEmail(email))?.id : undefined);
      if (how === "signed_up" && !subscriberId) throw new Error("the sign-up box made no subscriber");
      const fee = Number(entry.params.metadata.feeCovered ?? 0);
      given.push({ payment: new Payment(entry, [...CONTRIBUTION_PLANS[plan]!]), plan, email: email.toLowerCase(), amount, fee, topicId, subscriberId, how });
    }

    // People buy gifts, through the app's own checkout; some recipients get two of one tier (their months add up).
    const bought: Bought[] = [];
    const tiers = config.TIERS.map((t) => t.id);
    for (let i = 0; i < SIZE.gifts; i++) {
      const plan = GIFT_PLANS[i % GIFT_PLANS.length]!;
      const twice = REDEEMED.includes(plan) && rnd.chance(0.4) ? bought.find((b) => REDEEMED.includes(b.plan) && bought.filter((o) => o.recipient === b.recipient).length === 1) : undefined;
      const tierId = twice?.tierId ?? rnd.pick(tiers);
      const months = 1 + Math.floor(rnd.next() * 12);
      const recipient = twice?.recipient ?? uniqueEmail(`gift${i}`).toLowerCase();
      const deliverOn = plan === "later" ? new Date(Date.now() + 3 * DAY_MS).toISOString().slice(0, 10) : today;
      const buyer = rnd.chance(0.3) ? await saveSubscriber({ email: uniqueEmail(`buyer${i}`) }) : undefined;
      const { url } = await Gifts.checkout(
        { tierId, months, recipientEmail: recipient, deliverOn, email: buyer?.email ?? uniqueEmail(`buyer${i}`), ...(buyer && { subscriber: buyer }), message: `For you, ${i}` },
        { ip: randomIp() },
      );
      const entry = sessionAt(url);
      const step = VOID_STEP[plan];
      const steps: Step[] =
        plan === "payment_failed" ? ["complete_later", "settle_fail"] : rnd.chance(0.3) ? ["complete_later", "settle"] : ["complete"];
      bought.push({ payment: new Payment(entry, [...steps, ...(step ? [step] : [])]), plan, tierId, months, amount: Gifts.priceOf(tierId, months)!.amount, recipient, deliverOn });
    }

    const sender = new Sender();
    const events = new Map<string, Stripe.Event>();
    const schedule = { runs: 0, failed: 0 };
    /** The gifts' schedule, twice at once, as two overlapping hourly runs would (a failed run is the next one's). */
    const scheduleTwice = async () => {
      await Promise.all(
        [0, 1].map(async () => {
          try {
            await Gifts.runSchedule();
            schedule.runs++;
          } catch {
            schedule.failed++;
          }
        }),
      );
    };
    const redeemed = { redeemed: 0, already: 0, refused: 0, errors: 0 };
    let stripeFaults = 0;
    /** A raced gift: what its recipient was answered (`redeemed`, `void`, or a status that is neither). */
    const raced = new Map<string, string>();
    const proxy = await startDynamoDbProxy({ rate: SIZE.faultRate, seed: SEED });
    try {
      // Stripe completes, refunds and disputes, step by step; some events go out at once (while Stripe moves on),
      // the rest later, shuffled; some twice. The schedule runs meanwhile.
      const payments = [...given.map((g) => g.payment), ...bought.map((b) => b.payment)];
      const pending: Stripe.Event[] = [];
      const inFlight: Array<Promise<void>> = [];
      while (payments.some((p) => p.steps.length > 0)) {
        for (const payment of payments) {
          const step = payment.steps.shift();
          if (!step) continue;
          for (const sent of payment.take(step, rnd)) {
            events.set(sent.id, sent);
            pending.push(...(rnd.chance(0.3) ? [sent, sent] : [sent]));
          }
        }
        // Stripe's API fails now and then too (a webhook then answers 5xx half-way, and is delivered again).
        for (let i = 0; i < SIZE.stripeFaults; i++) stripe.fake.failNext({ method: "GET", path: rnd.pick(STRIPE_READS) }, 500, 1);
        stripeFaults += SIZE.stripeFaults;
        shuffle(pending, rnd);
        inFlight.push(sender.deliverAll(pending.splice(0, Math.floor(rnd.next() * pending.length)), SIZE.concurrency));
        inFlight.push(scheduleTwice());
        await sleep(50 + rnd.next() * 150);
      }
      inFlight.push(sender.deliverAll(shuffle(pending.splice(0), rnd), SIZE.concurrency));
      await Promise.all(inFlight);
      // Late redeliveries of events already processed change nothing.
      await sender.deliverAll(shuffle([...events.values()], rnd).slice(0, Math.ceil(events.size / 20)), SIZE.concurrency);

      // The schedule runs (twice at once) until no due gift is left paid, or it gives up.
      for (let run = 0; run < 15; run++) {
        await scheduleTwice();
        const waiting = await Promise.all(bought.filter((b) => b.plan !== "later" && !b.payment.failed).map((b) => Db.Gifts.get(b.payment.session.id).catch(() => undefined)));
        if (waiting.every((g) => g && g.status !== "paid")) break;
      }

      // Recipients redeem from their emails: some press twice at once, and a recipient of two gifts redeems both at once.
      const mail = await mailboxes(since);
      const byRecipient = new Map<string, Bought[]>();
      for (const b of bought.filter((b) => REDEEMED.includes(b.plan))) byRecipient.set(b.recipient, [...(byRecipient.get(b.recipient) ?? []), b]);
      await pool([...byRecipient.values()], SIZE.concurrency, async (gifts) => {
        const links = (mail.get(gifts[0]!.recipient) ?? []).filter((m) => REDEEM.test(m.subject));
        await Promise.all(
          gifts.flatMap((gift) => {
            const link = links.find((m) => giftOf(m) === gift.payment.session.id);
            if (!link) return []; // asserted below
            return Array.from({ length: gift.plan === "redeem_twice" ? 2 : 1 }, async () => {
              const answer = await redeemByHand(tokenIn(link));
              redeemed.errors += answer.errors;
              if (answer.status !== 200) redeemed.refused++;
              else if (/already redeemed/.test(answer.text)) redeemed.already++;
              else redeemed.redeemed++;
            });
          }),
        );
      });
      // Refunded while the recipient presses the button: the refund's events and the redeem race; one of them wins.
      await Promise.all(
        bought
          .filter((b) => b.plan === "void_race")
          .map(async (gift) => {
            const link = (mail.get(gift.recipient) ?? []).find((m) => REDEEM.test(m.subject) && giftOf(m) === gift.payment.session.id);
            if (!link) return; // asserted below
            const refunded = gift.payment.take("refund_rest", rnd);
            for (const sent of refunded) events.set(sent.id, sent);
            const [answer] = await Promise.all([
              sleep(rnd.next() * 30).then(() => redeemByHand(tokenIn(link))),
              sender.deliverAll(shuffle([...refunded, ...refunded.filter(() => rnd.chance(0.5))], rnd), SIZE.concurrency),
            ]);
            const won = answer.status === 200 && !/already redeemed/.test(answer.text) ? "redeemed" : answer.status === 400 && /refunded or disputed/.test(answer.text) ? "void" : `${answer.status}`;
            raced.set(gift.payment.session.id, won);
          }),
      );
      // A void gift's link (sent before the refund was known, or made now) is refused.
      for (const gift of bought.filter((b) => VOID_STEP[b.plan])) {
        const answer = await redeemByHand(Tokens.sign("gift", gift.payment.session.id));
        if (answer.status !== 400 || !/refunded or disputed/.test(answer.text)) throw new Error(`void gift redeemed: ${answer.status} ${answer.text.slice(0, 200)}`);
      }

      // Redeemed gifts refunded after: Stripe's events delivered shuffled, some twice.
      const after: Stripe.Event[] = [];
      for (const gift of bought.filter((b) => b.plan === "refund_after")) {
        for (const sent of gift.payment.take("refund_rest", rnd)) {
          events.set(sent.id, sent);
          after.push(...(rnd.chance(0.5) ? [sent, sent] : [sent]));
        }
      }
      await sender.deliverAll(shuffle(after, rnd), SIZE.concurrency);
      await scheduleTwice();
    } finally {
      await proxy.stop();
    }

    // Every event the app listens to was processed at least once; the others were answered "ignored".
    const swallowed = [...events.values()]
      .filter((e) => !(handlers[e.type] ? sender.answers.get(e.id)?.processed : sender.answers.get(e.id)?.ignored))
      .map((e) => `${e.id} ${e.type} ${JSON.stringify(sender.answers.get(e.id))}`);
    expect({ seed: SEED, swallowed }).toEqual({ seed: SEED, swallowed: [] });

    // Each contribution recorded once, as Stripe has it at the end.
    const wrongContributions: unknown[] = [];
    const records = new Map<string, Contributions.Contribution>();
    for (const g of given) {
      const { session, charge } = g.payment;
      const record = await Db.Contributions.get(session.id);
      if (record) records.set(record.id, record);
      const actual = record && {
        amount: record.amount,
        currency: record.currency,
        feeCovered: record.feeCovered,
        topicId: record.topicId,
        email: record.email,
        subscriberId: record.subscriberId,
        amountRefunded: record.amountRefunded,
        dispute: record.dispute?.status,
        status: Contributions.statusOf(record),
      };
      // A payment that failed is never recorded.
      const expected = g.payment.failed ? undefined : {
        amount: g.amount + g.fee,
        currency: config.CONTRIBUTION_CURRENCY,
        feeCovered: g.fee,
        topicId: g.topicId,
        email: g.email,
        subscriberId: g.subscriberId,
        amountRefunded: charge!.amount_refunded,
        dispute: g.payment.dispute?.status,
        status: statusAtStripe(charge!, g.payment.dispute),
      };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) wrongContributions.push({ plan: g.plan, how: g.how, session: session.id, actual, expected });
    }
    expect({ seed: SEED, wrongContributions }).toEqual({ seed: SEED, wrongContributions: [] });

    // Counted once: the month's totals and each topic's funding are the sums recomputed from the records.
    const months = new Map<string, { amount: number; count: number; refunded: number }>();
    for (const c of records.values()) {
      const m = months.get(c.month) ?? { amount: 0, count: 0, refunded: 0 };
      months.set(c.month, { amount: m.amount + c.amount, count: m.count + 1, refunded: m.refunded + c.amountRefunded });
    }
    const wrongTotals: unknown[] = [];
    for (const [month, recomputed] of months) {
      const totals = (await Db.Contributions.monthTotals(month))[config.CONTRIBUTION_CURRENCY];
      if (JSON.stringify(totals) !== JSON.stringify(recomputed)) wrongTotals.push({ month, totals, recomputed });
    }
    const wrongFunding: unknown[] = [];
    for (const topicId of topics) {
      const towards = await Db.ContributionLists.allTowards(topicId);
      const expectedIds = given.filter((g) => g.topicId === topicId && !g.payment.failed).map((g) => g.payment.session.id).sort();
      const ids = towards.map((c) => c.id).sort();
      const recomputed = {
        raised: towards.reduce((sum, c) => sum + c.amount - c.amountRefunded, 0),
        contributors: towards.filter((c) => c.amountRefunded < c.amount).length,
      };
      const counter = await Db.ContributionLists.funding(topicId);
      if (JSON.stringify(ids) !== JSON.stringify(expectedIds) || JSON.stringify(counter) !== JSON.stringify(recomputed))
        wrongFunding.push({ topicId, counter, recomputed, refs: ids.length, expected: expectedIds.length });
    }
    expect({ seed: SEED, wrongTotals, wrongFunding }).toEqual({ seed: SEED, wrongTotals: [], wrongFunding: [] });

    // One thank-you per contribution; a contributor's own contributions listed for them once each.
    const mail = await mailboxes(since);
    const wrongThanks: unknown[] = [];
    const byEmail = new Map<string, Given[]>();
    for (const g of given.filter((g) => !g.payment.failed)) byEmail.set(g.email, [...(byEmail.get(g.email) ?? []), g]);
    for (const [email, theirs] of byEmail) {
      const thanked = (mail.get(email) ?? []).filter((m) => THANKS.test(m.subject)).length;
      const subscriberId = theirs[0]!.subscriberId;
      const listed = subscriberId ? (await Db.Contributions.bySubscriber(subscriberId)).map((c) => c.id).sort() : undefined;
      const expectedListed = subscriberId ? theirs.map((g) => g.payment.session.id).sort() : undefined;
      if (thanked !== theirs.length || JSON.stringify(listed) !== JSON.stringify(expectedListed))
        wrongThanks.push({ email, plans: theirs.map((g) => g.plan), thanked, listed, expectedListed });
    }
    expect({ seed: SEED, wrongThanks }).toEqual({ seed: SEED, wrongThanks: [] });

    // Gifts: recorded once; void when refunded or disputed before redemption; each redeem link sent once; redeemed
    // at most once, into a comp of its tier until the end its months make.
    const wrongGifts: unknown[] = [];
    const gifts = new Map<string, Gifts.Gift>();
    for (const b of bought) {
      const gift = await Db.Gifts.get(b.payment.session.id);
      if (gift) gifts.set(gift.id, gift);
      const links = (mail.get(b.recipient) ?? []).filter((m) => REDEEM.test(m.subject) && giftOf(m) === b.payment.session.id).length;
      const problems: string[] = [];
      if (b.payment.failed) {
        if (gift || links) problems.push("a payment that failed recorded or delivered");
      } else if (!gift) problems.push("not recorded");
      else {
        if (gift.amount !== b.amount || gift.tierId !== b.tierId || gift.months !== b.months || gift.recipientEmail !== b.recipient) problems.push("recorded wrong");
        // A raced gift ends as its recipient was answered: redeemed (the refund came after), or void (before).
        const expectedStatus = b.plan === "void_race" ? raced.get(gift.id) : VOID_STEP[b.plan] ? "void" : REDEEMED.includes(b.plan) ? "redeemed" : b.plan === "later" ? "paid" : "delivered";
        if (gift.status !== expectedStatus) problems.push(`${gift.status}, not ${expectedStatus}`);
        if (VOID_STEP[b.plan] && gift.voidReason !== (b.plan === "void_dispute" ? "disputed" : "refunded")) problems.push(`void for ${gift.voidReason}`);
        // The link goes out once to a gift due and not void when the schedule reached it, never to one void before.
        if (links !== (b.plan === "later" ? 0 : gift.deliveredAt ? 1 : 0)) problems.push(`${links} redeem links`);
        if (b.plan !== "later" && !VOID_STEP[b.plan] && !gift.deliveredAt) problems.push("never delivered");
        if (gift.redeemedAt && !REDEEMED.includes(b.plan) && b.plan !== "void_race") problems.push("redeemed");
        if (b.plan === "void_race" && gift.status === "void" && (gift.redeemedAt || gift.redeemedBy)) problems.push("void and redeemed");
      }
      if (problems.length) wrongGifts.push({ plan: b.plan, session: b.payment.session.id, problems, gift });
    }
    expect({ seed: SEED, wrongGifts }).toEqual({ seed: SEED, wrongGifts: [] });

    // Each recipient: a comped patron of the tier until the end their gifts' months make, added up; welcomed once.
    const wrongRecipients: unknown[] = [];
    const recipients = new Map<string, Gifts.Gift[]>();
    const comped = (b: Bought) => REDEEMED.includes(b.plan) || (b.plan === "void_race" && raced.get(b.payment.session.id) === "redeemed");
    for (const b of bought.filter(comped)) recipients.set(b.recipient, [...(recipients.get(b.recipient) ?? []), gifts.get(b.payment.session.id)!]);
    for (const [email, theirs] of recipients) {
      const subscriber = await Db.Subscribers.getByEmail(email);
      const patron = subscriber && (await Db.Patrons.get(subscriber.id));
      const ends = [...theirs].sort((a, b) => (a.endsAt ?? "").localeCompare(b.endsAt ?? ""));
      const problems: string[] = [];
      let end: string | undefined;
      for (const [i, gift] of ends.entries()) {
        if (gift?.redeemedBy !== subscriber?.id || !gift?.redeemedAt) {
          problems.push(`gift ${gift?.id} not redeemed by its recipient`);
          continue;
        }
        // The first starts when redeemed; the next where the one before ends.
        const expected = Gifts.addMonths(new Date(i === 0 ? gift.redeemedAt : end!), gift.months).toISOString();
        if (gift.endsAt !== expected) problems.push(`gift ${gift.id} ends ${gift.endsAt}, not ${expected}`);
        end = gift.endsAt;
      }
      if (patron?.status !== "comped" || patron.compTierId !== theirs[0]!.tierId || patron.compedUntil !== end)
        problems.push(`patron ${patron?.status} ${patron?.compTierId} until ${patron?.compedUntil}, not until ${end}`);
      const welcomed = (mail.get(email) ?? []).filter((m) => WELCOME.test(m.subject)).length;
      if (welcomed !== 1) problems.push(`${welcomed} welcome emails`);
      if (problems.length) wrongRecipients.push({ email, plans: theirs.map((g) => g?.id), problems });
    }
    // A raced gift that ended void comped nobody and welcomed nobody.
    for (const b of bought.filter((b) => b.plan === "void_race" && raced.get(b.payment.session.id) === "void")) {
      const subscriber = await Db.Subscribers.getByEmail(b.recipient);
      const patron = subscriber && (await Db.Patrons.get(subscriber.id));
      const welcomed = (mail.get(b.recipient) ?? []).filter((m) => WELCOME.test(m.subject)).length;
      if (patron || welcomed) wrongRecipients.push({ email: b.recipient, void: b.payment.session.id, patron: patron?.status, welcomed });
    }
    expect({ seed: SEED, wrongRecipients }).toEqual({ seed: SEED, wrongRecipients: [] });

    // Later, past every end: the schedule (twice at once, DynamoDB failing again) invites each recipient once, a week
    // before their membership ends, the end their last gift makes (not each gift's), and delivers the later gifts.
    const invited = new Date(Math.max(...[...gifts.values()].map((g) => Date.parse(g.endsAt ?? g.deliverOn))) + DAY_MS);
    const again = await startDynamoDbProxy({ rate: SIZE.faultRate, seed: SEED + 1 });
    try {
      for (let run = 0; run < 15; run++) {
        await Promise.all([0, 1].map(() => Gifts.runSchedule(invited).catch(() => schedule.failed++)));
        const left = await Promise.all([...gifts.keys()].map((id) => Db.Gifts.get(id).catch(() => undefined)));
        if (left.every((g) => g && (g.status === "redeemed" ? g.invitedAt : g.status !== "paid"))) break;
      }
    } finally {
      await again.stop();
    }
    const later = await mailboxes(since);
    const wrongInvitations: unknown[] = [];
    for (const [email, theirs] of recipients) {
      const end = theirs.map((g) => g.endsAt!).sort().at(-1)!;
      const invitations = (later.get(email) ?? []).filter((m) => INVITATION.test(m.subject)).map((m) => m.subject);
      const uninvited = (await Promise.all(theirs.map((g) => Db.Gifts.get(g.id)))).filter((g) => !g?.invitedAt).map((g) => g?.id);
      if (invitations.length !== 1 || !invitations[0]!.endsWith(`ends on ${dateInWords(end)}`) || uninvited.length)
        wrongInvitations.push({ email, gifts: theirs.map((g) => [g.id, g.endsAt]), invitations, uninvited });
    }
    for (const b of bought.filter((b) => b.plan === "later")) {
      const links = (later.get(b.recipient) ?? []).filter((m) => REDEEM.test(m.subject) && giftOf(m, invited) === b.payment.session.id).length;
      if (links !== 1) wrongInvitations.push({ later: b.payment.session.id, links });
    }
    expect({ seed: SEED, wrongInvitations }).toEqual({ seed: SEED, wrongInvitations: [] });

    // The run really had the cases in it.
    const injected = Object.values(proxy.counts.injected).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(0);
    expect(proxy.counts.injected["drop-after"]).toBeGreaterThan(0);
    expect(sender.duplicates).toBeGreaterThan(0);
    expect(new Set(given.filter((g) => !g.payment.failed).map((g) => statusAtStripe(g.payment.charge!, g.payment.dispute))).size).toBe(4);
    expect([...recipients.values()].some((theirs) => theirs.length > 1) || !LONG).toBe(true);
    const byPlan = (list: Array<{ plan: string }>) =>
      Object.entries(list.reduce<Record<string, number>>((n, x) => ({ ...n, [x.plan]: (n[x.plan] ?? 0) + 1 }), {}))
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
    console.log(
      `support replay (seed ${SEED}${LONG ? ", long" : ""}): ${given.length} contributions (${byPlan(given)}), ` +
        `${given.filter((g) => g.topicId).length} towards ${topics.length} topics; ${bought.length} gifts (${byPlan(bought)}), ` +
        `${[...recipients.values()].filter((t) => t.length > 1).length} recipients of two, ${[...raced.values()].filter((w) => w === "redeemed").length} of ${raced.size} raced redeemed before their refund; ${events.size} events, ${sender.deliveries} deliveries ` +
        `(${sender.duplicates} answered duplicate, ${sender.failed} answered 5xx and delivered again; ${stripeFaults} Stripe reads failed); schedule: ${schedule.runs} runs, ` +
        `${schedule.failed} failed; redeems: ${redeemed.redeemed} redeemed, ${redeemed.already} already, ${redeemed.refused} refused, ` +
        `${redeemed.errors} 5xx pressed again; DynamoDB: ${proxy.counts.requests} requests, ${injected} failed (${Object.entries(proxy.counts.injected)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}); ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }, byRun(300_000, 3_600_000));
});
