/**
 * Stripe history replay at volume: hundreds of random subscription histories (tests/helpers/stripe-history.ts)
 * whose webhook events are delivered shuffled, duplicated and concurrently, while their patrons vote, and while a
 * proxy in front of DynamoDB Local fails a share of the app's requests (500s, throttling, connections dropped
 * before forwarding, and after: the write happened but the caller saw a failure). A webhook answered 5xx is
 * delivered again, as Stripe does, until it is answered 200. At the end:
 * - every event was processed (answered `processed` at least once: none swallowed as a "duplicate");
 * - every patron is in the state of its history's last step;
 * - every topic's score and voter count equal the sums recomputed from the vote records of patrons whose votes
 *   count, and every vote record carries its patron's final weight;
 * - patron emails (welcome, payment failed, lapsed): none duplicated. Half the histories are "settled" (each step's
 *   events all answered before the next step): they get exactly the emails their steps imply. The other half race
 *   (Stripe moves on while their events are in flight): they may see fewer changes, never more emails than implied.
 * Short in `npm test`, long (≥10,000 deliveries over ≥300 histories, a DynamoDB Local of its own) in
 * `npm run test:long`. Seeded: REPLAY_SEED=<n> replays the histories and the mix of faults.
 */
import { describe, expect, it } from "vitest";
import type Stripe from "stripe";
import * as Db from "../../core/db";
import type { Patron } from "../../core/patrons";
import * as Votes from "../../core/votes";
import { VisibleError } from "../../core/errors";
import { startDynamoDbProxy } from "../helpers/dynamodb-proxy";
import { createTopic, saveSubscriber } from "../helpers/factories";
import { mailboxes, uniqueEmail } from "../helpers/mail";
import { useLocalStackWith } from "../helpers/own-dynamodb";
import { random } from "../helpers/random";
import { useFakeStripe } from "../helpers/stripe";
import { History, shuffle } from "../helpers/stripe-history";
import { pool, Sender } from "../helpers/webhook-sender";
import { byRun, LONG } from "./scale";

useLocalStackWith({ ownDynamoDb: LONG });
const stripe = useFakeStripe();

const SIZE = byRun(
  { histories: 16, minSteps: 5, maxSteps: 9, faultRate: 0.08, concurrency: 8, topics: 5 },
  { histories: 300, minSteps: 14, maxSteps: 22, faultRate: 0.05, concurrency: 24, topics: 8 },
);
const SEED = process.env.REPLAY_SEED ? Number(process.env.REPLAY_SEED) : Math.floor(Math.random() * 2 ** 31);

/** What the spec says (product.md → Topic votes; the tests' TIERS): who counts, and with what weight. */
const WEIGHTS: Record<string, number> = { coffee: 1, "co-creator": 3, yearly: 3 };
const countsVotes = (patron: Patron | undefined) =>
  patron?.status === "active" || patron?.status === "grace" || patron?.status === "comped";

type Kind = "welcome" | "payment_failed" | "lapsed";
const KINDS: Kind[] = ["welcome", "payment_failed", "lapsed"];
const kindOf = (subject: string): Kind | undefined =>
  subject.startsWith("Welcome, patron of")
    ? "welcome"
    : /payment didn't go through/.test(subject)
      ? "payment_failed"
      : /membership has ended/.test(subject)
        ? "lapsed"
        : undefined;

/**
 * The patron emails a sequence of statuses implies (product.md → Memberships, Keeping patrons): welcome on becoming
 * a patron or rejoining, payment failed on entering grace once per debt (`debts`: the debt of each grace status; a
 * debt that was paid off in between is over, the same debt entered again is not emailed again), lapsed on a
 * membership ending.
 */
function impliedEmails(trail: readonly string[], debts: readonly (number | undefined)[]): Record<Kind, number> {
  const implied = { welcome: 0, payment_failed: 0, lapsed: 0 };
  const emailed = new Set<number | undefined>();
  let previous: string | undefined;
  for (const [i, status] of trail.entries()) {
    if (status === previous) continue;
    if (status === "active" && (previous === undefined || previous === "lapsed")) implied.welcome++;
    if (status === "grace" && !emailed.has(debts[i])) {
      emailed.add(debts[i]);
      implied.payment_failed++;
    }
    if (status === "lapsed" && previous !== undefined) implied.lapsed++;
    previous = status;
  }
  return implied;
}

/** A patron votes for or withdraws from a random topic (a refusal is an answer too; a 500 leaves it undecided). */
async function voteOnce(
  history: History,
  topicId: string,
  withdraw: boolean,
  tally: { cast: number; refused: number; errors: number },
) {
  try {
    const subscriberId = history.subscriberId ?? (await Db.Subscribers.getByEmail(history.email))?.id;
    if (!subscriberId) return;
    if (withdraw) await Votes.unvote(subscriberId, topicId);
    else await Votes.vote(subscriberId, topicId);
    tally.cast++;
  } catch (error) {
    if (error instanceof VisibleError) tally.refused++;
    else tally.errors++;
  }
}

describe("Stripe history replay at volume, with DynamoDB failing", () => {
  it(`ends every patron, tally and inbox right (seed ${SEED})`, async () => {
    const started = performance.now();
    const since = Date.now();
    const rnd = random(SEED);
    stripe.fake.latencyMs = 10;
    const topics = Array.from({ length: SIZE.topics }, (_, i) => `replay-topic-${i}`);
    for (const id of topics) await createTopic({ id, status: "open" });

    interface Played {
      history: History;
      address: string;
      settled: boolean;
      length: number;
    }
    const played: Played[] = [];
    for (let i = 0; i < SIZE.histories; i++) {
      const email = uniqueEmail(`replay${i}`);
      // Half check out as known subscribers (metadata names them, and the customer has their address, as a checkout
      // we start sets it: a name the customer doesn't agree with is ignored), half are strangers to us.
      const known = rnd.chance(0.5) ? await saveSubscriber({ email }) : undefined;
      played.push({
        history: new History(stripe.fake, email, known?.id, { extended: true, settled: i % 2 === 0 }),
        address: (known?.email ?? email).toLowerCase(),
        settled: i % 2 === 0,
        length: SIZE.minSteps + Math.floor(rnd.next() * (SIZE.maxSteps - SIZE.minSteps + 1)),
      });
    }

    const sender = new Sender();
    const votes = { cast: 0, refused: 0, errors: 0 };
    const events = new Map<string, Stripe.Event>();
    const proxy = await startDynamoDbProxy({ rate: SIZE.faultRate, seed: SEED });
    try {
      const racing: Stripe.Event[] = [];
      const inFlight: Array<Promise<void>> = [];
      for (let step = 0; step < SIZE.maxSteps; step++) {
        const settled: Stripe.Event[] = [];
        for (const { history, settled: isSettled, length } of played) {
          if (step >= length) continue;
          for (const event of history.apply(rnd.pick(history.next()), rnd)) {
            events.set(event.id, event);
            (isSettled ? settled : racing).push(...(rnd.chance(0.3) ? [event, event] : [event])); // some sent twice
          }
        }
        // Racing histories: some events go out now, while Stripe's state moves on; the rest wait (late, out of order).
        shuffle(racing, rnd);
        inFlight.push(sender.deliverAll(racing.splice(0, Math.floor(rnd.next() * racing.length)), SIZE.concurrency));
        // Settled histories: every event of this step answered before the next; patrons vote meanwhile.
        const ballots = played
          .filter(() => rnd.chance(0.5))
          .map((p) => ({ history: p.history, topicId: rnd.pick(topics), withdraw: rnd.chance(0.2) }));
        await Promise.all([
          sender.deliverAll(shuffle(settled, rnd), SIZE.concurrency),
          pool(ballots, 4, (b) => voteOnce(b.history, b.topicId, b.withdraw, votes)),
        ]);
      }
      inFlight.push(sender.deliverAll(shuffle(racing, rnd), SIZE.concurrency));
      await Promise.all(inFlight);
      // Late redeliveries of events already processed change nothing.
      await sender.deliverAll(
        shuffle([...events.values()], rnd).slice(0, Math.ceil(events.size / 20)),
        SIZE.concurrency,
      );
    } finally {
      await proxy.stop();
    }

    // Every event was processed at least once: a failure never made an event look like a duplicate of itself.
    const swallowed = [...events.values()]
      .filter((e) => !sender.answers.get(e.id)?.processed)
      .map((e) => `${e.id} ${e.type} ${JSON.stringify(sender.answers.get(e.id))}`);
    expect({ seed: SEED, swallowed }).toEqual({ seed: SEED, swallowed: [] });

    // Every patron ends in the state of its history's last step.
    const wrongPatrons: unknown[] = [];
    const patrons = new Map<string, Patron | undefined>();
    for (const { history } of played) {
      const subscriber = history.subscriberId
        ? await Db.Subscribers.get(history.subscriberId)
        : await Db.Subscribers.getByEmail(history.email);
      const patron = subscriber && (await Db.Patrons.get(subscriber.id));
      if (subscriber) patrons.set(subscriber.id, patron);
      const actual = patron && {
        status: patron.status,
        tierId: patron.tierId,
        stripeSubscriptionId: patron.stripeSubscriptionId,
        stripeCustomerId: patron.stripeCustomerId,
        cancelAtPeriodEnd: patron.cancelAtPeriodEnd,
      };
      if (JSON.stringify(actual) !== JSON.stringify(history.expected()))
        wrongPatrons.push({ steps: history.steps, actual, expected: history.expected() });
    }
    expect({ seed: SEED, wrongPatrons }).toEqual({ seed: SEED, wrongPatrons: [] });

    // Every score is the sum recomputed from the vote records of patrons whose votes count, with their final weight.
    const wrongTallies: unknown[] = [];
    const wrongVotes: unknown[] = [];
    let counted = 0;
    for (const topicId of topics) {
      let score = 0;
      let voters = 0;
      for (const vote of await Db.Votes.byTopic(topicId)) {
        const patron = patrons.has(vote.subscriberId)
          ? patrons.get(vote.subscriberId)
          : await Db.Patrons.get(vote.subscriberId);
        const counts = countsVotes(patron);
        if (vote.counted !== counts || (counts && vote.weight !== WEIGHTS[patron!.tierId]))
          wrongVotes.push({ vote, patron: patron && { status: patron.status, tierId: patron.tierId } });
        if (!counts) continue;
        score += WEIGHTS[patron!.tierId]!;
        voters += 1;
      }
      counted += voters;
      const tally = await Db.Topics.tally(topicId);
      if (tally.score !== score || tally.voters !== voters)
        wrongTallies.push({ topicId, tally, recomputed: { score, voters } });
    }
    expect({ seed: SEED, wrongTallies, wrongVotes }).toEqual({ seed: SEED, wrongTallies: [], wrongVotes: [] });

    // Patron emails: exactly what settled histories imply, never more than racing ones imply; so never a duplicate.
    const mail = await mailboxes(since);
    const wrongEmails: unknown[] = [];
    let emails = 0;
    for (const { history, address, settled } of played) {
      const sent = { welcome: 0, payment_failed: 0, lapsed: 0 };
      for (const email of mail.get(address) ?? []) {
        const kind = kindOf(email.subject);
        if (kind) sent[kind]++;
      }
      const implied = impliedEmails(history.trail, history.debts);
      emails += KINDS.reduce((sum, kind) => sum + sent[kind], 0);
      const wrong = KINDS.some((kind) => (settled ? sent[kind] !== implied[kind] : sent[kind] > implied[kind]));
      if (wrong) wrongEmails.push({ settled, steps: history.steps, trail: history.trail, sent, implied });
    }
    expect({ seed: SEED, wrongEmails }).toEqual({ seed: SEED, wrongEmails: [] });

    // Refunds and disputes: each recorded against the person, as Stripe has the charge at the end.
    const wrongCharges: unknown[] = [];
    let charges = 0;
    for (const { history } of played) {
      const subscriber = history.subscriberId ? { id: history.subscriberId } : await Db.Subscribers.getByEmail(history.email);
      for (const paid of history.charges()) {
        charges++;
        const dispute = [...stripe.fake.disputes.values()].find((d) => d.charge === paid.id);
        const record = subscriber && (await Db.Charges.get(subscriber.id, paid.id));
        if (record?.amountRefunded !== paid.amount_refunded || record?.dispute?.status !== dispute?.status)
          wrongCharges.push({ charge: paid.id, steps: history.steps, record, refunded: paid.amount_refunded, dispute: dispute?.status });
      }
    }
    expect({ seed: SEED, wrongCharges }).toEqual({ seed: SEED, wrongCharges: [] });

    // The run really had the cases in it.
    const injected = Object.values(proxy.counts.injected).reduce((a, b) => a + b, 0);
    expect(sender.deliveries).toBeGreaterThanOrEqual(byRun(200, 10_000));
    expect(injected).toBeGreaterThan(0);
    expect(proxy.counts.injected["drop-after"]).toBeGreaterThan(0);
    expect(counted).toBeGreaterThan(0);
    const duplicates = [...sender.answers.values()].reduce((sum, a) => sum + a.duplicate, 0);
    const kinds = new Map<string, number>();
    for (const { history } of played) for (const step of history.steps) kinds.set(step, (kinds.get(step) ?? 0) + 1);
    console.log(
      `stripe replay (seed ${SEED}${LONG ? ", long" : ""}): ${played.length} histories, ` +
        `${played.reduce((sum, p) => sum + p.history.steps.length, 0)} steps (${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}), ` +
        `${played.filter((p) => p.history.accounts.length > 1).length} people with two customers, ${charges} refunded or disputed charges, ` +
        `${events.size} events, ${sender.deliveries} deliveries ` +
        `(${duplicates} answered duplicate, ${sender.failed} answered 5xx and delivered again); DynamoDB: ${proxy.counts.requests} requests, ` +
        `${injected} failed (${Object.entries(proxy.counts.injected)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}); ` +
        `votes: ${votes.cast} cast or withdrawn, ${votes.refused} refused, ${votes.errors} failed; ${counted} counted at the end; ` +
        `${emails} patron emails; ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    // Room for Stripe's retries to outlast a claim left by a failure (120 s lease): slow then, but never lost.
  }, byRun(300_000, 3_600_000));
});
