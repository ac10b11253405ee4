/**
 * "Download your data" (`product.md` → Subscribers → Privacy): everything held about a subscriber, as JSON they can
 * read: the profile with its consent record, membership (Stripe ids included), their Stripe charges (refunds and
 * disputes), their contributions (one-time support), deliveries, votes, topics they proposed, their sign-in records and sessions (times only: a
 * session's id is a credential), a change of address waiting for its confirmation, and their welcome series.
 */
import * as Db from "../db";
import type { Delivery } from "../delivery/types";
import { VisibleError } from "../errors";

export interface PersonalData {
  exportedAt: string;
  subscriber: Record<string, unknown>;
  /** `earlierSignUps`: the unconfirmed sign-ups a later one replaced whose links still work. */
  consent: { subscription: unknown; pendingSignUp: unknown; earlierSignUps: unknown[] };
  patron: Record<string, unknown> | null;
  charges: Array<Record<string, unknown>>;
  /** One-time contributions tied to them (by the checkout's session, or their address at the time). */
  contributions: Array<Record<string, unknown>>;
  /** Gift memberships they gave (by the checkout's session) and redeemed. */
  gifts: { given: Array<Record<string, unknown>>; received: Array<Record<string, unknown>> };
  deliveries: Array<Omit<Delivery, "claimId" | "leaseUntil">>;
  votes: Array<{ topicId: string; topicTitle?: string; tierId: string; weight: number; counted: boolean; createdAt: string }>;
  proposedTopics: Array<{ id: string; title: string; status: string; createdAt: string }>;
  signIn: { linksSentAt: string[]; sessions: Array<{ createdAt: string; expiresAt: string }> };
  /** A change of address made at Stripe, waiting for (or given) its confirmation; its link's nonce left out. */
  addressChange: { email: string; requestedAt: string; confirmedAt?: string; previousEmail?: string } | null;
  /** Win-back emails sent after a membership lapsed: the lapse each was for, and when it went. */
  winBacks: Array<{ lapsedAt: string; sentAt: string }>;
  /** The billing emails sent about a debt (payment failed, grace reminder) or a card (expiring): kind and what about. */
  billingEmails: Array<{ kind: string; about: string }>;
  /** The welcome series' steps: when each was due, and whether it was sent (and when) or why not. */
  welcomeSeries: Array<Record<string, unknown>>;
}

const iso = (epochSeconds: unknown) => new Date(Number(epochSeconds) * 1000).toISOString();
/** Table bookkeeping, not data about anyone. */
const withoutKeys = ({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity, version, ...rest }: Record<string, unknown>) => rest;

/** Everything held about the subscriber (404 when there is nobody by that id). */
export async function exportData(subscriberId: string, now = new Date()): Promise<PersonalData> {
  const subscriber = await Db.Subscribers.get(subscriberId);
  if (!subscriber) throw new VisibleError("not_found", "not_found", "We hold nothing about you.");
  const [items, deliveries, votes, proposed, contributions, given, received] = await Promise.all([
    Db.Erasure.partition(subscriberId),
    Db.Erasure.deliveriesOf(subscriberId),
    Db.Erasure.votesOf(subscriberId),
    Db.Proposals.ofPatron(subscriberId),
    Db.Contributions.bySubscriber(subscriberId, subscriber.email),
    Db.Gifts.byBuyer(subscriberId),
    Db.Gifts.received(subscriberId),
  ]);
  const of = (entity: string) => items.filter((item) => item.entity === entity);
  const patron = of("patron")[0];
  // Only the topics they voted for: never every topic (other patrons' proposals among them).
  const titles = new Map((await Db.Topics.many(votes.map((vote) => vote.topicId))).map((topic) => [topic.id, topic.title]));
  return {
    exportedAt: now.toISOString(),
    subscriber: withoutKeys({ ...subscriber }),
    consent: {
      subscription: subscriber.consent ?? null,
      pendingSignUp: subscriber.optIn?.consent ?? null,
      earlierSignUps: (subscriber.earlierOptIns ?? []).map((optIn) => optIn.consent),
    },
    patron: patron ? withoutKeys(patron) : null,
    charges: of("charge")
      .map((item) => withoutKeys(item))
      .sort((a, b) => String(a.chargedAt).localeCompare(String(b.chargedAt))),
    contributions: contributions.map(({ version, month, ...contribution }) => contribution),
    gifts: {
      given: given.map(({ version, paymentIntentId, redeemedBy, ...gift }) => gift),
      received: received.map(({ version, paymentIntentId, buyerEmail, buyerSubscriberId, ...gift }) => gift),
    },
    deliveries: deliveries
      .map(({ claimId, leaseUntil, ...delivery }) => delivery)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    votes: votes.map(({ topicId, tierId, weight, counted, createdAt }) => ({
      topicId,
      topicTitle: titles.get(topicId),
      tierId,
      weight,
      counted,
      createdAt,
    })),
    proposedTopics: proposed.map(({ id, title, status, createdAt }) => ({ id, title, status, createdAt })),
    signIn: {
      linksSentAt: of("signin-links").flatMap((item) => (item.sentAt as string[] | undefined) ?? []),
      sessions: of("session")
        .filter((item) => Number(item.expiresAt) * 1000 > now.getTime())
        .map((item) => ({ createdAt: item.createdAt as string, expiresAt: iso(item.expiresAt) })),
    },
    addressChange: addressChangeOf(of("email-change")[0], now),
    winBacks: of("winback")
      .filter((item) => typeof item.sentAt === "string")
      .map((item) => ({ lapsedAt: item.lapsedAt as string, sentAt: item.sentAt as string })),
    billingEmails: [...((of("billing-emails")[0]?.claims as Set<string> | undefined) ?? [])].sort().map(billingEmailOf),
    welcomeSeries: of("series-delivery")
      .map(({ enqueuedAt, ...step }) => withoutKeys(step))
      .sort((a, b) => Number(a.day) - Number(b.day)),
  };
}

/** A billing email's claim (`<subscriber>:debt:<since>:<kind>`, `<subscriber>:card:<id>:<yyyy-mm>:<kind>`), in words. */
function billingEmailOf(claim: string): { kind: string; about: string } {
  const parts = claim.split(":");
  return { kind: parts.at(-1)!, about: parts.slice(1, -1).join(":") };
}

function addressChangeOf(item: Record<string, unknown> | undefined, now: Date): PersonalData["addressChange"] {
  if (!item || Number(item.expiresAt) * 1000 <= now.getTime()) return null;
  const { email, requestedAt, confirmedAt, previousEmail } = item as NonNullable<PersonalData["addressChange"]>;
  return { email, requestedAt, ...(confirmedAt && { confirmedAt }), ...(previousEmail && { previousEmail }) };
}
