/**
 * Erasing a subscriber, in the table: what their partition holds, their deliveries and votes made anonymous
 * (moved to a random `anon_…` id, so digest counts and closed topics' final scores stay right), the tombstone of an
 * erased Stripe customer, and the profile with its unique email item. Each write is safe to repeat; the domain's
 * order is in `core/privacy/erase.ts`.
 */
import { randomBytes } from "node:crypto";
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Delivery, DeliveryStatus, SkipReason } from "../delivery/types";
import type { Subscriber } from "../subscribers/types";
import type { Vote } from "../votes/types";
import { db, tableName } from "./client";
import * as Counts from "./delivery-counts";
import * as Batches from "./delivery-batches";
import { isConditionFailure, isRace, WriteConflictError } from "./errors";
import * as keys from "./keys";
import { queryAll } from "./query";
import { retryWrite, untilProcessed } from "./retry";
import * as Patrons from "./patrons";
import { counterUpdate } from "./stats";
import { patronErased } from "../stats/counted";
import * as Topics from "./topics";
import * as Votes from "./votes";

type Key = { pk: string; sk: string };

/** An id that stands for nobody: what an erased subscriber's deliveries and votes are kept under. */
export const anonymousId = () => `anon_${randomBytes(12).toString("base64url")}`;

/** "Everything under a subscriber's partition" (profile, follows, patron, ballot, sign-in records, sessions), as stored. */
export async function partition(subscriberId: string): Promise<Array<Key & Record<string, unknown>>> {
  const found: Array<Key & Record<string, unknown>> = [];
  const items = queryAll({
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.subscriber.partition(subscriberId) },
    ConsistentRead: true,
  });
  for await (const item of items) found.push(item as Key & Record<string, unknown>);
  return found;
}

/** Deletes items by key, 25 a request, retrying what DynamoDB leaves unprocessed. Deleting what is gone is harmless. */
export async function deleteAll(items: readonly Key[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } }));
    await untilProcessed(`deleting ${batch.length} items`, batch, async (requests) => {
      const { UnprocessedItems } = await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: [...requests] } }));
      return (UnprocessedItems?.[tableName()] ?? []) as typeof batch;
    });
  }
}

/**
 * Deletes a subscriber's patron item, on the version read (a webhook mid-flight: read again); a patron who was
 * paying is counted as churned that day in the same transaction, as no later status change will count them.
 * Harmless when there is none.
 */
export async function removePatron(subscriberId: string): Promise<void> {
  await retryWrite(`erasing the patron of ${subscriberId}`, async () => {
    const patron = await Patrons.get(subscriberId);
    if (!patron) return;
    const remove = {
      Delete: {
        TableName: tableName(),
        Key: keys.patron.key(subscriberId),
        ConditionExpression: "version = :version",
        ExpressionAttributeValues: { ":version": patron.version },
      },
    };
    try {
      await db().send(new TransactWriteCommand({ TransactItems: [remove, ...counterUpdate(patronErased(patron))] }));
    } catch (error) {
      if (isRace(error)) throw new WriteConflictError(`patron ${subscriberId}`);
      throw error;
    }
  });
}

/** A subscriber's ref to their delivery of a digest (deleted with their partition, or once their delivery is anonymous). */
export const refKey = (subscriberId: string, digestId: string): Key => keys.deliveryRef.key(subscriberId, digestId);

/** "A subscriber's deliveries": their refs (in their own partition) and the batches they name, read consistently. */
export async function deliveriesOf(subscriberId: string): Promise<Delivery[]> {
  const byDigest = new Map<string, string[]>();
  for (const { digestId, batchId } of await Batches.refsOf(subscriberId)) byDigest.set(digestId, [...(byDigest.get(digestId) ?? []), batchId]);
  const found: Delivery[] = [];
  for (const [digestId, batchIds] of byDigest) {
    for (const batch of await Batches.readMany(digestId, batchIds)) {
      const delivery = Batches.deliveryOf(batch, subscriberId);
      if (delivery) found.push(delivery);
    }
  }
  return found;
}

/**
 * Replaces a subscriber's delivery of a digest, as it stands, by an anonymous one in its batch: no address, SES
 * message id or error text, under a random id; a `queued` or `sending` one becomes `suppressed` (erased), its counts
 * moved in the same write, so a worker sends it to nobody. Then the ref goes. Answers whether there was one.
 */
export async function anonymizeDelivery(digestId: string, subscriberId: string, at: string): Promise<boolean> {
  const batchId = await Batches.batchIdOf(subscriberId, digestId);
  if (!batchId) return false;
  const written = await retryWrite(`erasing the delivery of ${digestId}`, async () => {
    const batch = await Batches.read(digestId, batchId);
    const recipient = batch?.recipients[subscriberId];
    if (!batch || !recipient) return false;
    const { variant, attempts, sentAt } = recipient;
    const stopped = Batches.isOpen(recipient);
    const reason: SkipReason | undefined = stopped ? "erased" : recipient.reason;
    const anonymous: Batches.Recipient = {
      email: "",
      status: stopped ? "suppressed" : recipient.status,
      variant,
      attempts,
      updatedAt: at,
      ...(reason && { reason }),
      ...(sentAt && { sentAt }),
    };
    const { [subscriberId]: _, ...others } = batch.recipients;
    if (!(await Batches.write(batch, { ...batch, recipients: { ...others, [anonymousId()]: anonymous } }))) {
      throw new WriteConflictError(`delivery batch ${batchId}`);
    }
    return true;
  });
  await deleteAll([refKey(subscriberId, digestId)]);
  return written;
}

/** "A patron's votes": the topics on their ballot and those the vote index knows (it may lag), each read consistently. */
export async function votesOf(subscriberId: string): Promise<Vote[]> {
  const topicIds = new Set((await Votes.ballot(subscriberId)).topicIds);
  const indexed = queryAll({
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.vote.subscriberPartition(subscriberId) },
    ProjectionExpression: "topicId",
  });
  for await (const { topicId } of indexed) topicIds.add(topicId as string);
  const votes = await Promise.all([...topicIds].map((topicId) => Votes.get(topicId, subscriberId)));
  return votes.filter((vote): vote is Vote => vote !== undefined);
}

/**
 * Replaces a vote, as read, by an anonymous one. For an open topic the anonymous vote no longer counts, and the
 * tally loses what it counted, as when a patron lapses: an erased patron has no say in what is still being decided.
 * For a closed or covered topic it counts as before and the tally is untouched: that score is final, history the
 * newsroom keeps (should the topic reopen, re-counting its voters stops the vote then). Conditioned on the vote as
 * read (a re-count may move it) and on the topic being open or not as read (an editor may close or reopen it):
 * answers false when either changed, so the caller reads again.
 */
export async function anonymizeVote(vote: Vote, topicOpen: boolean, at: string): Promise<boolean> {
  const id = anonymousId();
  const { topicId, tierId, weight, counted, createdAt } = vote;
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: tableName(),
              Key: keys.vote.key(topicId, vote.subscriberId),
              ConditionExpression: "counted = :counted AND weight = :weight",
              ExpressionAttributeValues: { ":counted": counted, ":weight": weight },
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...keys.vote.key(topicId, id),
                entity: "vote",
                subscriberId: id,
                topicId,
                tierId,
                weight,
                counted: counted && !topicOpen,
                createdAt,
                updatedAt: at,
              },
            },
          },
          Votes.topicCheck(topicId, topicOpen),
          ...(topicOpen && counted ? [Votes.tallyAdd(topicId, -weight, -1)] : []),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isRace(error)) return false;
    throw error;
  } finally {
    Topics.wrote(); // an open topic's tally may have moved
  }
}

/** Remembers that a Stripe customer's subscriber was erased (by a hash of the customer id only). */
export async function rememberErasedCustomer(customerId: string, at: string): Promise<void> {
  await db().send(
    new PutCommand({ TableName: tableName(), Item: { ...keys.erasedCustomer.key(customerId), entity: "erased-customer", erasedAt: at } }),
  );
}

/** Whether a Stripe customer's subscriber was erased (strongly consistent). */
export async function isErasedCustomer(customerId: string): Promise<boolean> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.erasedCustomer.key(customerId), ConsistentRead: true }),
  );
  return Item !== undefined;
}

/**
 * A topic the subscriber proposed: still `proposed` (no editor took it up), it was only theirs and goes; taken up,
 * it is the newsroom's now and only forgets who proposed it.
 */
export async function forgetProposal(topicId: string, subscriberId: string): Promise<void> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.topic.key(topicId),
        ConditionExpression: "proposedBy = :id AND #status = :proposed",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":id": subscriberId, ":proposed": "proposed" },
      }),
    );
    return;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.topic.key(topicId),
        UpdateExpression: "REMOVE proposedBy",
        ConditionExpression: "proposedBy = :id",
        ExpressionAttributeValues: { ":id": subscriberId },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** Deletes processed-event records by their ids (those whose id names the subscriber). */
export const forgetEvents = (source: string, ids: readonly string[]) => deleteAll(ids.map((id) => keys.event.key(source, id)));

/**
 * Deletes the profile and the unique email item together; the email item only if it is still this subscriber's
 * (an address is never freed for someone else's sake). Harmless when they are gone already.
 */
export async function removeProfile(subscriber: Pick<Subscriber, "id" | "email">): Promise<void> {
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: tableName(), Key: keys.subscriber.key(subscriber.id) } },
        {
          Delete: {
            TableName: tableName(),
            Key: keys.email.key(subscriber.email),
            ConditionExpression: "attribute_not_exists(pk) OR subscriberId = :id",
            ExpressionAttributeValues: { ":id": subscriber.id },
          },
        },
      ],
    }),
  );
}

