/**
 * Every key of the single table is built here and nowhere else. Entities and their keys:
 *
 * | entity     | pk                  | sk                | gsi1pk / gsi1sk                               | gsi2pk / gsi2sk                     |
 * |------------|---------------------|-------------------|-----------------------------------------------|-------------------------------------|
 * | subscriber | SUB#<id>            | PROFILE           | SUBS#<status>#<frequency>#<shard> / <id>      |                                     |
 * | email      | EMAIL#<email>       | EMAIL             |                                               |                                     |
 * | follow     | SUB#<id>            | FOLLOWS#<topic>   |                                               | TOPIC#<topic>#FOLLOWERS / <status>#<id> |
 * | patron     | SUB#<id>            | PATRON            | CUSTOMER#<stripe customer id> / PATRON        | PATRONS#<status> / <id> (`lapsed`: <lapsedAt>#<id>) |
 * | win-back   | SUB#<id>            | WINBACK#<lapsedAt> | (TTL)                                        |                                     |
 * | customer   | STRIPE#<customer id> | CUSTOMER         |                                               |                                     |
 * | charge     | SUB#<id>            | CHARGE#<charge id> |                                              |                                     |
 * | contribution | CONTRIBUTION#<checkout session id> | CONTRIBUTION | CONTRIBUTOR#<email> / <createdAt>#<session id> |                   |
 * | contribution ref | SUB#<id>      | CONTRIBUTION#<checkout session id> |                              |                                     |
 * | payment    | PAYMENT#<payment intent id> | CONTRIBUTION |                                          |                                     |
 * | contribution month | CONTRIBUTIONS#<yyyy-mm> | CURRENCY#<currency> |                            |                                     |
 * | contribution (gsi2) |                     |                   |                                      | CONTRIBUTIONS#<yyyy-mm>#BY_TIME / <createdAt>#<session id> |
 * | topic contribution | TOPIC#<id>    | CONTRIBUTION#<createdAt>#<session id> |                          |                                     |
 * | funding    | TOPIC#<id>          | FUNDING           |                                               |                                     |
 * | gift       | GIFT#<checkout session id> | GIFT       | GIFTS#<status> / <deliverOn>#<session id>     | GIFTS#INVITE / <endsAt>#<session id> (until invited) |
 * | gift ref   | SUB#<id>            | GIFT#<checkout session id> |                                      |                                     |
 * | gift received | SUB#<id>         | GIFT_RECEIVED#<checkout session id> |                             |                                     |
 * | gift comp  | SUB#<id>            | GIFT_COMP         |                                               |                                     |
 * | gift payment | PAYMENT#<payment intent id> | GIFT     |                                               |                                     |
 * | gift address ref | GIFT_ADDRESS#<email> | BOUGHT#<session id> / FOR#<session id> |                       |                                     |
 * | links sent | SUB#<id>            | SIGNIN_LINKS      | (TTL)                                         |                                     |
 * | link use   | SUB#<id>            | SIGNIN#<nonce>    | (TTL)                                         |                                     |
 * | session    | SUB#<id>            | SESSION#<session> | (TTL)                                         |                                     |
 * | email change | SUB#<id>          | EMAIL_CHANGE      | (TTL)                                         |                                     |
 * | billing emails | SUB#<id>        | BILLING_EMAILS    |                                               |                                     |
 * | topic      | TOPIC#<id>          | TOPIC             | TOPICS#<status> / <id>                        |                                     |
 * | proposal   | SUB#<id>            | PROPOSAL#<topic>  |                                               |                                     |
 * | proposals count | SUB#<id>       | PROPOSALS         |                                               |                                     |
 * | funded notices | SUB#<id>        | FUNDED            |                                               |                                     |
 * | tally      | TOPIC#<id>          | TALLY#<shard>     |                                               |                                     |
 * | vote       | TOPIC#<id>          | VOTE#<subscriber> | SUB#<subscriber>#VOTES / TOPIC#<id>           |                                     |
 * | ballot     | SUB#<id>            | BALLOT            |                                               |                                     |
 * | article    | ARTICLE#<id>        | ARTICLE           | ARTICLES / <publishedAt>#<id>                 |                                     |
 * | translation | ARTICLE#<original> | TRANSLATION#<lang> |                                              |                                     |
 * | digest     | DIGEST#<id>         | DIGEST            | DIGESTS / <createdAt>#<id>                    | DIGESTS#<frequency>#<status> / <coversTo>#<id> |
 * | delivery batch | DIGEST#<id>#<0..63> | BATCH#<batch>  |                                               |                                     |
 * | open batch | DIGEST#<id>#<0..63> | OPEN#<batch>      |                                               |                                     |
 * | delivery ref | SUB#<id>          | DELIVERY#<digest> |                                               |                                     |
 * | delivery count | DIGEST#<id>#COUNT#<0..255> | COUNT   |                                               |                                     |
 * | event      | EVENT#<source>#<id> | EVENT             | (TTL)                                         |                                     |
 * | rate limit | LIMIT#<name>#<key>  | <window start>    | (TTL)                                         |                                     |
 * | erased customer | ERASED#CUSTOMER#<sha256 of the Stripe customer id> | ERASED |                              |                                     |
 * | reconciliation | RECONCILIATION     | CHECKPOINT        |                                               |                                     |
 * | stats day  | STATS#DAY           | <yyyy-mm-dd>      |                                               |                                     |
 * | day counter | STATS#COUNT#<yyyy-mm-dd> | SHARD#<0..15> |                                               |                                     |
 * | cancellation day | CANCELLATIONS | <yyyy-mm-dd>#<0..3> |                                               |                                     |
 * | source counter | SOURCES#<yyyy-mm> | <yyyy-mm-dd>#<source>#<0..3> |                                 |                                     |
 * | editor session | EDITOR#<editor key> | SESSION#<session> | (TTL)                                        |                                     |
 * | editor link use | EDITOR#<editor key> | LINK#<nonce>   | (TTL)                                         |                                     |
 * | audit entry | AUDIT#<yyyy-mm>     | <at>#<random>     | (TTL)                                         |                                     |
 * | series delivery | SUB#<id>       | SERIES#<step>     | SERIES#DUE#<yyyy-mm-dd> / <dueAt>#<id>#<step> (while queued) |                     |
 *
 * An erased subscriber's deliveries and votes stay, anonymous, under a random `anon_…` id in place of theirs (so
 * digest counts and topic tallies stay right), without the ref or the `SUB#<id>#…` index keys that found them.
 */
import { createHash } from "node:crypto";

/** Sending reads subscribers by status and frequency; sharding keeps one GSI partition from running hot. */
export const SUBSCRIBER_SHARDS = 8;

export function shardOf(id: string, shards = SUBSCRIBER_SHARDS): number {
  return createHash("sha1").update(id).digest().readUInt32BE(0) % shards;
}

export const subscriber = {
  key: (id: string) => ({ pk: `SUB#${id}`, sk: "PROFILE" }),
  /** Everything kept under a subscriber's partition: profile, follows, patron, ballot, sign-in records, sessions. */
  partition: (id: string) => `SUB#${id}`,
  byStatus: (status: string, frequency: string, id: string) => ({
    gsi1pk: subscriber.statusPartition(status, frequency, shardOf(id)),
    gsi1sk: id,
  }),
  statusPartition: (status: string, frequency: string, shard: number) => `SUBS#${status}#${frequency}#${shard}`,
};

export const email = {
  key: (address: string) => ({ pk: `EMAIL#${address}`, sk: "EMAIL" }),
};

export const follow = {
  key: (subscriberId: string, topic: string) => ({ pk: `SUB#${subscriberId}`, sk: `FOLLOWS#${topic}` }),
  prefix: "FOLLOWS#",
  byTopic: (topic: string, status: string, subscriberId: string) => ({
    gsi2pk: follow.topicPartition(topic),
    gsi2sk: `${status}#${subscriberId}`,
  }),
  topicPartition: (topic: string) => `TOPIC#${topic}#FOLLOWERS`,
};

export const topic = {
  key: (id: string) => ({ pk: `TOPIC#${id}`, sk: "TOPIC" }),
  byStatus: (status: string, id: string) => ({ gsi1pk: topic.statusPartition(status), gsi1sk: id }),
  statusPartition: (status: string) => `TOPICS#${status}`,
};

/**
 * A patron's proposals, under their own partition: a marker for each topic they proposed (export and erasure find
 * their proposals there, strongly consistent, without reading anyone else's), and how many are still `proposed`,
 * which the limit is checked against in the transaction that writes a proposal.
 */
export const proposal = {
  key: (subscriberId: string, topicId: string) => ({ pk: `SUB#${subscriberId}`, sk: `PROPOSAL#${topicId}` }),
  prefix: "PROPOSAL#",
  count: (subscriberId: string) => ({ pk: `SUB#${subscriberId}`, sk: "PROPOSALS" }),
};

export const rateLimit = {
  key: (name: string, key: string, windowStart: string) => ({ pk: `LIMIT#${name}#${key}`, sk: windowStart }),
};

export const article = {
  key: (id: string) => ({ pk: `ARTICLE#${id}`, sk: "ARTICLE" }),
  byTime: (publishedAt: string, id: string) => ({ gsi1pk: article.partition, gsi1sk: `${publishedAt}#${id}` }),
  partition: "ARTICLES",
  /** An original's translation into a language: one per language, claimed beside the original. */
  translation: (originalId: string, language: string) => ({ pk: `ARTICLE#${originalId}`, sk: `TRANSLATION#${language}` }),
  translationPrefix: "TRANSLATION#",
};

export const digest = {
  key: (id: string) => ({ pk: `DIGEST#${id}`, sk: "DIGEST" }),
  byCreation: (createdAt: string, id: string) => ({ gsi1pk: digest.partition, gsi1sk: `${createdAt}#${id}` }),
  byFrequencyAndStatus: (frequency: string, status: string, coversTo: string, id: string) => ({
    gsi2pk: digest.statusPartition(frequency, status),
    gsi2sk: `${coversTo}#${id}`,
  }),
  partition: "DIGESTS",
  statusPartition: (frequency: string, status: string) => `DIGESTS#${frequency}#${status}`,
};

/** A topic's score is kept on this many tally shards, so a hot topic spreads its writes over several items. */
export const TALLY_SHARDS = 8;

export const tally = {
  key: (topicId: string, shard: number) => ({ pk: `TOPIC#${topicId}`, sk: `TALLY#${shard}` }),
  prefix: "TALLY#",
};

export const vote = {
  key: (topicId: string, subscriberId: string) => ({ pk: `TOPIC#${topicId}`, sk: `VOTE#${subscriberId}` }),
  prefix: "VOTE#",
  bySubscriber: (subscriberId: string, topicId: string) => ({ gsi1pk: vote.subscriberPartition(subscriberId), gsi1sk: `TOPIC#${topicId}` }),
  subscriberPartition: (subscriberId: string) => `SUB#${subscriberId}#VOTES`,
};

/**
 * A patron's ballot: the topics they vote for, read consistently (a GSI can lag) and versioned, so a patron's
 * votes are cast one at a time (the limit holds under concurrency) and a re-count never misses a fresh vote.
 */
export const ballot = {
  key: (subscriberId: string) => ({ pk: `SUB#${subscriberId}`, sk: "BALLOT" }),
};

/** "You funded it, we covered it" for a subscriber's next digest: the topics pending, and those told. */
export const fundedNotices = {
  key: (subscriberId: string) => ({ pk: `SUB#${subscriberId}`, sk: "FUNDED" }),
};

/**
 * A digest's deliveries are kept ten to an item, a batch (the recipients of one send message): planned, claimed
 * and recorded with one write each, whatever the number of recipients (core/db/README.md has the arithmetic).
 * Batches are spread over `DELIVERY_PARTITIONS` partitions by a hash of the batch id; a batch with a recipient
 * still `queued` or `sending` has an open marker beside it, so the batches left to send are found without reading
 * the rest. Each recipient has a ref in their own partition naming their batch (their deliveries for export and
 * erasure, the batch of a bounce).
 */
export const DELIVERY_PARTITIONS = 64;

/**
 * A subscriber's (or batch's) delivery shard: other bytes of the hash than `shardOf`'s, so that one subscriber
 * shard's plan page spreads over every delivery partition (`shardOf(id, 64)` would put it in only 8 of them).
 */
export function deliveryShardOf(id: string, shards: number): number {
  return createHash("sha1").update(id).digest().readUInt32BE(4) % shards;
}

export const deliveryBatch = {
  key: (digestId: string, batchId: string) => ({ pk: deliveryBatch.partitionOf(digestId, batchId), sk: `BATCH#${batchId}` }),
  /** Beside the batch, while any of its recipients is `queued` or `sending`. */
  open: (digestId: string, batchId: string) => ({ pk: deliveryBatch.partitionOf(digestId, batchId), sk: `OPEN#${batchId}` }),
  partitionOf: (digestId: string, batchId: string) => deliveryBatch.partition(digestId, deliveryShardOf(batchId, DELIVERY_PARTITIONS)),
  /** One of the digest's delivery partitions (the digest item itself stays alone under `DIGEST#<id>`). */
  partition: (digestId: string, shard: number) => `DIGEST#${digestId}#${shard}`,
  prefix: "BATCH#",
  openPrefix: "OPEN#",
};

/** A subscriber's delivery of a digest: which batch holds it. */
export const deliveryRef = {
  key: (subscriberId: string, digestId: string) => ({ pk: `SUB#${subscriberId}`, sk: `DELIVERY#${digestId}` }),
  prefix: "DELIVERY#",
};

/**
 * Where deliveries were kept before batches, one item per recipient (read only by the migration,
 * migrate-deliveries.ts): first all under `DIGEST#<id>`, then spread over the 64 delivery partitions, each with
 * a status index (gsi1, 4 and then 32 shards) and a subscriber index (gsi2).
 */
export const LEGACY_DELIVERY_SHARDS = 32;
export const legacyDelivery = {
  key: (digestId: string, subscriberId: string) => ({
    pk: deliveryBatch.partition(digestId, deliveryShardOf(subscriberId, DELIVERY_PARTITIONS)),
    sk: `DELIVERY#${subscriberId}`,
  }),
  unspreadPartition: (digestId: string) => `DIGEST#${digestId}`,
  prefix: "DELIVERY#",
  statusPartition: (digestId: string, status: string, shard: number) => `DELIVERIES#${digestId}#${status}#${shard}`,
  subscriberPartition: (subscriberId: string) => `SUB#${subscriberId}#DELIVERIES`,
};

/**
 * A digest's delivery counts by status, kept on this many counter items (each its own partition), changed in the
 * transaction of every batch write on a random one: at 5,000 emails a second about 1,000 counter writes a second,
 * spread thin (core/db/README.md), read back in three BatchGetItem requests whatever the digest's size.
 */
export const COUNTER_SHARDS = 256;

export const deliveryCount = {
  key: (digestId: string, shard: number) => ({ pk: `DIGEST#${digestId}#COUNT#${shard}`, sk: "COUNT" }),
};

/** A processed event of an outside source (`ses`: an SNS message id; `stripe`: an event id), kept to refuse replays. */
export const event = {
  key: (source: string, id: string) => ({ pk: `EVENT#${source}#${id}`, sk: "EVENT" }),
};

export const patron = {
  key: (subscriberId: string) => ({ pk: `SUB#${subscriberId}`, sk: "PATRON" }),
  byCustomer: (customerId: string) => ({ gsi1pk: patron.customerPartition(customerId), gsi1sk: "PATRON" }),
  customerPartition: (customerId: string) => `CUSTOMER#${customerId}`,
  /**
   * A lapsed patron sorts by when they lapsed (`<lapsedAt>#<id>`), so the win-back finds those who lapsed on a given
   * day without reading every lapse since the beginning; other statuses sort by id.
   */
  byStatus: (status: string, subscriberId: string, lapsedAt?: string) => ({
    gsi2pk: patron.statusPartition(status),
    gsi2sk: status === "lapsed" && lapsedAt ? `${lapsedAt}#${subscriberId}` : subscriberId,
  }),
  statusPartition: (status: string) => `PATRONS#${status}`,
};

/**
 * A patron's win-back email for one lapse, claimed under their partition (so erasure deletes it with them, and the
 * export lists it): a short lease while it is sent, kept long once it went (core/patrons/winback.ts).
 */
export const winBack = {
  key: (subscriberId: string, lapsedAt: string) => ({ pk: `SUB#${subscriberId}`, sk: `${winBack.prefix}${lapsedAt}` }),
  prefix: "WINBACK#",
};

/**
 * A Stripe customer and the subscriber it pays for: one item per customer, written once and never handed to
 * anyone else, so a person who paid through several customers is one subscriber (their patron lists them all).
 */
export const customer = {
  key: (customerId: string) => ({ pk: `STRIPE#${customerId}`, sk: "CUSTOMER" }),
};

/**
 * A Stripe charge of a subscriber (its refunds and disputes, the membership invoice it paid), under their
 * partition: the export reads it there and erasure deletes it with the partition.
 */
export const charge = {
  key: (subscriberId: string, chargeId: string) => ({ pk: `SUB#${subscriberId}`, sk: `CHARGE#${chargeId}` }),
  prefix: "CHARGE#",
};

/**
 * A contribution (one-time support through Checkout in payment mode), keyed by its Checkout session, so a session
 * is recorded once; a ref in the contributor's partition, if they are a subscriber (export, account page and
 * erasure find theirs there, strongly consistent); the address Checkout collected, indexed, so that a reader's
 * contributions from before they subscribed are theirs too (gone with the address at erasure); and the pointer
 * from its payment intent, by which a charge's refund or dispute finds it.
 */
export const contribution = {
  key: (sessionId: string) => ({ pk: `CONTRIBUTION#${sessionId}`, sk: "CONTRIBUTION" }),
  ref: (subscriberId: string, sessionId: string) => ({ pk: `SUB#${subscriberId}`, sk: `CONTRIBUTION#${sessionId}` }),
  refPrefix: "CONTRIBUTION#",
  byEmail: (email: string, createdAt: string, sessionId: string) => ({ gsi1pk: contribution.emailPartition(email), gsi1sk: `${createdAt}#${sessionId}` }),
  emailPartition: (email: string) => `CONTRIBUTOR#${email}`,
  byPaymentIntent: (paymentIntentId: string) => ({ pk: `PAYMENT#${paymentIntentId}`, sk: "CONTRIBUTION" }),
  /** One month's totals in one currency (a counter changed in the transaction of each record and marking). */
  month: (month: string, currency: string) => ({ pk: contribution.monthPartition(month), sk: `CURRENCY#${currency}` }),
  monthPartition: (month: string) => `CONTRIBUTIONS#${month}`,
  /** "Contributions in a month, oldest first" (the editors' list): gsi2 on the record itself. */
  byTime: (month: string, createdAt: string, sessionId: string) => ({ gsi2pk: contribution.timePartition(month), gsi2sk: `${createdAt}#${sessionId}` }),
  timePartition: (month: string) => `CONTRIBUTIONS#${month}#BY_TIME`,
  /** "Contributions towards a topic, oldest first": a ref in the topic's partition, beside its funding counter. */
  topicRef: (topicId: string, createdAt: string, sessionId: string) => ({ pk: `TOPIC#${topicId}`, sk: `CONTRIBUTION#${createdAt}#${sessionId}` }),
  topicRefPrefix: "CONTRIBUTION#",
  /** A topic's funding counter: raised (net of refunds) and contributors, changed with each record and marking. */
  funding: (topicId: string) => ({ pk: `TOPIC#${topicId}`, sk: "FUNDING" }),
};

/**
 * A gift membership, keyed by its Checkout session (recorded once); indexed by status and delivery date (gsi1), so
 * the schedule reads the paid gifts due by today and editors list gifts by status; a redeemed gift is indexed by
 * its end (gsi2) until its recipient is invited to continue. A ref in the buyer's partition (if a subscriber) and
 * the pointer from its payment intent (a refund or dispute finds it so).
 */
export const gift = {
  key: (sessionId: string) => ({ pk: `GIFT#${sessionId}`, sk: "GIFT" }),
  ref: (subscriberId: string, sessionId: string) => ({ pk: `SUB#${subscriberId}`, sk: `GIFT#${sessionId}` }),
  refPrefix: "GIFT#",
  /** A redeemed gift's ref in its recipient's partition (export, erasure); a prefix apart from the buyer's refs. */
  receivedRef: (subscriberId: string, sessionId: string) => ({ pk: `SUB#${subscriberId}`, sk: `GIFT_RECEIVED#${sessionId}` }),
  receivedPrefix: "GIFT_RECEIVED#",
  /** Where a recipient's redeemed gifts take their comp (its tier and end), moved by each redeem (core/gifts/redeem.ts). */
  comp: (subscriberId: string) => ({ pk: `SUB#${subscriberId}`, sk: "GIFT_COMP" }),
  byStatus: (status: string, deliverOn: string, sessionId: string) => ({ gsi1pk: gift.statusPartition(status), gsi1sk: `${deliverOn}#${sessionId}` }),
  statusPartition: (status: string) => `GIFTS#${status}`,
  toInvite: (endsAt: string, sessionId: string) => ({ gsi2pk: gift.invitePartition, gsi2sk: `${endsAt}#${sessionId}` }),
  invitePartition: "GIFTS#INVITE",
  byPaymentIntent: (paymentIntentId: string) => ({ pk: `PAYMENT#${paymentIntentId}`, sk: "GIFT" }),
};

/**
 * The gifts an address bought or is to receive, whoever holds it: a gift names addresses, not subscribers (its
 * recipient is often nobody's yet, its buyer may not have signed in). A ref per side, put in the gift's recording
 * transaction; erasure reads the partition of the erased address and deletes it.
 */
export const giftAddress = {
  partition: (email: string) => `GIFT_ADDRESS#${email}`,
  ref: (email: string, side: "buyer" | "recipient", sessionId: string) => ({
    pk: giftAddress.partition(email),
    sk: `${side === "buyer" ? "BOUGHT" : "FOR"}#${sessionId}`,
  }),
};

/**
 * Signing in, all under the subscriber's partition: the times links were sent (the per-address limit), each
 * link's first use (single use with a reuse window), and sessions (so "sign out everywhere" is one query).
 */
export const signin = {
  links: (subscriberId: string) => ({ pk: `SUB#${subscriberId}`, sk: "SIGNIN_LINKS" }),
  use: (subscriberId: string, nonce: string) => ({ pk: `SUB#${subscriberId}`, sk: `SIGNIN#${nonce}` }),
};

/**
 * A patron's change of address waiting to be confirmed from the new address (at most one: a newer change replaces
 * it), under their partition, so erasure takes it with the rest.
 */
export const emailChange = {
  key: (subscriberId: string) => ({ pk: `SUB#${subscriberId}`, sk: "EMAIL_CHANGE" }),
};

/**
 * The claims of a patron's billing emails (payment failed, grace reminder, expiring card), named by debt or card
 * rather than by patron version: listed under their partition so erasure finds (and deletes) every one.
 */
export const billingEmails = {
  key: (subscriberId: string) => ({ pk: `SUB#${subscriberId}`, sk: "BILLING_EMAILS" }),
};

export const session = {
  key: (subscriberId: string, sessionId: string) => ({ pk: `SUB#${subscriberId}`, sk: `SESSION#${sessionId}` }),
  partition: (subscriberId: string) => `SUB#${subscriberId}`,
  prefix: "SESSION#",
};

/**
 * A Stripe customer whose subscriber erased their data: only a hash of its id is kept, so that its later
 * webhooks (and the daily reconciliation) recognise it and bring nobody back, without keeping a way back to them.
 */
export const erasedCustomer = {
  key: (customerId: string) => ({
    pk: `ERASED#CUSTOMER#${createHash("sha256").update(customerId).digest("base64url")}`,
    sk: "ERASED",
  }),
};

/** The reconciliation's checkpoint: the cycle under way (phase, cursors, counts) and the lease of whoever works it. */
export const reconciliation = {
  key: () => ({ pk: "RECONCILIATION", sk: "CHECKPOINT" }),
};

/**
 * The dashboard's editors, by a key derived from their address (`core/editors/signin.ts`): their sessions and the
 * sign-in links they used (each once).
 */
export const editor = {
  session: (editorKey: string, sessionId: string) => ({ pk: `EDITOR#${editorKey}`, sk: `SESSION#${sessionId}` }),
  link: (editorKey: string, nonce: string) => ({ pk: `EDITOR#${editorKey}`, sk: `LINK#${nonce}` }),
};

/** The audit log of editors' actions, a partition per month, newest last. */
export const audit = {
  partition: (month: string) => `AUDIT#${month}`,
  key: (at: string, id: string) => ({ pk: audit.partition(at.slice(0, 7)), sk: `${at}#${id}` }),
};

/**
 * The editors' figures over time: one snapshot per UTC day, all in one partition, so "the days from one date to
 * another" is one Query (a year is a few hundred small items); written once a day by the schedule.
 */
export const statsDay = {
  key: (date: string) => ({ pk: statsDay.partition, sk: date }),
  partition: "STATS#DAY",
};

/**
 * A day's joined and churned counts, spread over this many counter items in the day's own partition: one, chosen
 * at random, is changed in the transaction of each status change that counts (a burst of bounces during a send
 * would otherwise queue on one item), and the snapshot reads them back in one Query.
 */
export const DAY_COUNTER_SHARDS = 16;

export const dayCounter = {
  key: (date: string, shard: number) => ({ pk: dayCounter.partition(date), sk: `SHARD#${shard}` }),
  partition: (date: string) => `STATS#COUNT#${date}`,
};

/**
 * Conversions by source (attribution), per UTC day: counter items in the month's partition, so "from one day to
 * another" is one Query per month (`sk BETWEEN`), never a scan; a source's busy day (a digest's link followed by
 * many at once) spreads over `SOURCE_SHARDS` items, one chosen at random by each write that counts.
 */
export const SOURCE_SHARDS = 4;

export const sourceCounter = {
  key: (date: string, source: string, shard: number) => ({ pk: sourceCounter.partition(date.slice(0, 7)), sk: `${date}#${source}#${shard}` }),
  partition: (month: string) => `SOURCES#${month}`,
};

/**
 * The welcome series (core/series): one delivery per step under the subscriber's partition (export lists them,
 * erasure deletes them with it), indexed by the day it is due while it waits (`queued`), so the schedule reads only
 * the due-day partitions it needs, never the table; the index keys go when the step is settled.
 */
export const seriesDelivery = {
  key: (subscriberId: string, step: string) => ({ pk: `SUB#${subscriberId}`, sk: `SERIES#${step}` }),
  prefix: "SERIES#",
  byDue: (dueAt: string, subscriberId: string, step: string) => ({
    gsi1pk: seriesDelivery.duePartition(dueAt.slice(0, 10)),
    gsi1sk: `${dueAt}#${subscriberId}#${step}`,
  }),
  /** `day`: a UTC date, `yyyy-mm-dd`. */
  duePartition: (day: string) => `SERIES#DUE#${day}`,
};

/**
 * Cancellations by reason and feedback, counter items per UTC day of the request, all in one partition: "the days
 * from one date to another" is one Query (a year is a few thousand small items). Changed only in the transaction
 * of the patron's write that records a cancellation, on one of `CANCELLATION_SHARDS` items chosen at random: a
 * day when Stripe ends many memberships at once (failed renewals' retries running out together) does not queue
 * every webhook's transaction on one item.
 */
export const CANCELLATION_SHARDS = 4;

export const cancellationDay = {
  key: (date: string, shard: number) => ({ pk: cancellationDay.partition, sk: `${date}#${shard}` }),
  partition: "CANCELLATIONS",
};
