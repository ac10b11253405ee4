/**
 * Erasure (`product.md` → Subscribers → Privacy): personal data goes, anonymous aggregates stay right, email stops
 * at once. In this order, each step safe to repeat, so a retry after a crash finishes the job:
 * 1. **Email stops**: the subscriber becomes `unsubscribed`; the send worker and patron emails re-check before
 *    sending, so nothing queued goes out from here on.
 * 2. **Stripe**: every customer of theirs (each they paid through, and any other with their address at Stripe) is
 *    remembered only as a hash (`isErasedCustomer`), so its later webhooks and the daily reconciliation bring nobody
 *    back; then every live membership subscription of those customers is cancelled at once (the reader asked for
 *    everything to go: no further charge). Stripe keeps its own billing records.
 * 3. **Deliveries and votes** move to random `anon_…` ids without address, SES message id or index back to the
 *    reader: digest counts do not change. Queued ones become `suppressed` (`erased`). Votes for open topics stop
 *    counting, as a lapsed patron's do; those for closed or covered topics stay in their final scores.
 * 4. **Contributions** tied to them or made with their address stay as anonymous amounts: address and subscriber go
 *    (the refs with the partition). **Gifts** they gave or redeemed stay as anonymous records: their side's address,
 *    name, subscriber and the message go; a gift they gave stays deliverable to its recipient. A gift bought for
 *    their address (by anyone) and not redeemed loses their address, name and the message to them and becomes
 *    `void`: its redeem link is never sent, and one sent already redeems nothing (core/gifts/erase.ts).
 *    **Proposals** no editor took up go (their words may name them); those taken up forget their proposer.
 *    Patron-email claims naming the subscriber are deleted.
 * 5. **Their partition** (follows, patron, ballot, sign-in records) goes; then the profile and the unique email
 *    item; then whatever is left under the partition (sessions: until here a crash leaves the reader signed in,
 *    able to ask again).
 */
import * as Db from "../db";
import { forEachLimit } from "../concurrency";
import { eraseFromGifts } from "../gifts/erase";
import { log } from "../log";
import { membershipsOf } from "../patrons/memberships";
import { customersOf } from "../patrons/sync";
import { PATRON_EMAIL_CLAIMS, patronEmailClaim } from "../patrons/notify";
import { noticeKinds, type Patron } from "../patrons/types";
import * as StripeApi from "../stripe";
import { mutate } from "../subscribers/mutate";

export interface ErasureReport {
  /** Deliveries and votes kept anonymous. */
  deliveries: number;
  votes: number;
  /** Live Stripe subscriptions cancelled. */
  cancelledSubscriptions: number;
}

/** Stripe statuses that may still charge: a subscription in one of them is cancelled. */
const LIVE = new Set(["active", "trialing", "past_due", "unpaid", "paused", "incomplete"]);
/** Patron-email claims are looked for up to this patron version (each write moves it by one). */
const MAX_CLAIM_VERSIONS = 2_000;

/** Erases a subscriber (see above). Erasing someone already erased changes nothing and succeeds. */
export async function erase(subscriberId: string, now = new Date()): Promise<ErasureReport> {
  const at = now.toISOString();
  const patron = await Db.Patrons.get(subscriberId);
  // Nothing could cancel a live membership here: refuse before changing anything, rather than erase someone
  // Stripe would go on charging.
  if (patron?.stripeCustomerId && !StripeApi.isConfigured() && LIVE.has(patron.subscriptionStatus ?? "")) {
    throw StripeApi.notConfigured();
  }
  const subscriber = await Db.Subscribers.get(subscriberId);
  await mutate(subscriberId, (current) =>
    current && (current.status === "active" || current.status === "pending")
      ? { ...current, status: "unsubscribed", unsubscribedAt: at, optIn: undefined, earlierOptIns: undefined }
      : undefined,
  );
  const cancelledSubscriptions = await endMembership(patron, subscriber?.email, at);

  let deliveries = 0;
  await forEachLimit(await Db.Erasure.deliveriesOf(subscriberId), 16, async (delivery) => {
    // A worker may be writing its batch meanwhile: then the batch is read again and the delivery made anonymous as it stands.
    if (await Db.Erasure.anonymizeDelivery(delivery.digestId, subscriberId, at)) deliveries++;
  });
  let votes = 0;
  await forEachLimit(await Db.Erasure.votesOf(subscriberId), 8, async (vote) => {
    // An open topic's vote stops counting; a closed or covered topic's stays in its final score. A re-count may
    // move the vote, or an editor close or reopen its topic, meanwhile: then both are read again.
    await Db.retryWrite(`erasing a vote of ${subscriberId}`, async (attempt) => {
      const [current, topic] = await Promise.all([
        attempt === 1 ? vote : Db.Votes.get(vote.topicId, subscriberId),
        Db.Topics.get(vote.topicId),
      ]);
      if (!current) return;
      if (!(await Db.Erasure.anonymizeVote(current, topic?.status === "open", at))) throw new Db.WriteConflictError(`vote for ${vote.topicId}`);
      votes++;
    });
  });

  const proposed = await Db.Proposals.ofPatron(subscriberId); // theirs alone, by their partition's markers
  for (const topic of proposed) await Db.Erasure.forgetProposal(topic.id, subscriberId);
  await forgetPatronEmailClaims(subscriberId, patron);

  // Contributions stay as anonymous amounts (the month's totals unchanged), found by the refs their partition holds.
  for (const contribution of await Db.Contributions.bySubscriber(subscriberId, subscriber?.email)) await Db.Contributions.anonymize(contribution.id, at);
  // Gifts they gave or redeemed stay as anonymous records (tier, months, amount, dates); one bought for them and not
  // redeemed becomes void, its link never sent: found by their refs and by their address.
  await eraseFromGifts(subscriberId, subscriber?.email, at);

  await Db.Erasure.removePatron(subscriberId); // a paying patron leaves the day's figures (churned) as they go
  const items = await Db.Erasure.partition(subscriberId);
  const profile = items.find((item) => item.entity === "subscriber");
  await Db.Erasure.deleteAll(items.filter((item) => item.entity !== "subscriber" && item.entity !== "session"));
  if (profile) await Db.Erasure.removeProfile({ id: subscriberId, email: profile.email as string });
  // Anything written under the partition meanwhile (a sign-in, a webhook mid-flight) goes too.
  await Db.Erasure.deleteAll(await Db.Erasure.partition(subscriberId));

  log.info({ event: "subscriber.erased", subscriberId, deliveries, votes, cancelledSubscriptions }, "subscriber erased");
  return { deliveries, votes, cancelledSubscriptions };
}

/**
 * Every Stripe customer of theirs is remembered as erased and its tie forgotten, then every live membership
 * subscription of each is cancelled (at configured tiers' prices only). Their customers are those they paid
 * through, and any other customer with their address at Stripe (a second checkout whose events never arrived):
 * none may go on charging them, or bring them back.
 */
async function endMembership(patron: Patron | undefined, email: string | undefined, at: string): Promise<number> {
  const known = customersOf(patron);
  if (!StripeApi.isConfigured()) {
    for (const customerId of known) await forgetCustomer(customerId, at);
    return 0; // and nothing live, as `erase` checked
  }
  const stripe = await StripeApi.stripe();
  const byAddress = email ? (await stripe.customers.list({ email, limit: 100 })).data.map((customer) => customer.id) : [];
  const customers = [...new Set([...known, ...byAddress])];
  for (const customerId of customers) await forgetCustomer(customerId, at);
  let cancelled = 0;
  for (const { subscription } of await membershipsOf(customers)) {
    if (!LIVE.has(subscription.status)) continue;
    await stripe.subscriptions.cancel(subscription.id);
    cancelled++;
  }
  return cancelled;
}

async function forgetCustomer(customerId: string, at: string): Promise<void> {
  await Db.Erasure.rememberErasedCustomer(customerId, at);
  await Db.Customers.unlink(customerId);
}

/**
 * The claims of patron emails (`patronEmailClaim`) name the subscriber: delete them, for every version they may have,
 * and the billing emails' (per debt or card), which are listed under their partition (`Db.BillingEmails`).
 */
async function forgetPatronEmailClaims(subscriberId: string, patron: Patron | undefined): Promise<void> {
  const listed = await Db.BillingEmails.claimsOf(subscriberId);
  if (!patron && listed.length === 0) return;
  const versions = Math.min(patron?.version ?? 0, MAX_CLAIM_VERSIONS);
  const ids = [...listed, ...Array.from({ length: versions }, (_, i) => noticeKinds.map((kind) => patronEmailClaim(subscriberId, i + 1, kind))).flat()];
  const chunks = Array.from({ length: Math.ceil(ids.length / 100) }, (_, i) => ids.slice(i * 100, (i + 1) * 100));
  await forEachLimit(chunks, 8, (chunk) => Db.Erasure.forgetEvents(PATRON_EMAIL_CLAIMS, chunk));
}
