/** Factories with overrides, writing straight to the table (arrange quickly; act through the real code). */
import { randomUUID } from "node:crypto";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import * as Db from "../../../core/db";
import { shardOf } from "../../../core/db/keys";
import type { Subscriber } from "../../../core/subscribers";

let counter = 0;

/** A pending subscriber holds the opt-in its confirmation link names, as a sign-up leaves it. */
export function makeSubscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  const at = new Date().toISOString();
  const id = overrides.id ?? `sub_t${(counter++).toString(36).padStart(6, "0")}${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const optIn =
    overrides.status === "pending"
      ? { id: `optin${randomUUID().slice(0, 8)}`, requestedAt: at, topics: overrides.topics ?? [], frequency: overrides.frequency ?? "weekly", consent: { requestedAt: at, source: "test", textVersion: "test" } }
      : undefined;
  return {
    id,
    email: `${id.toLowerCase()}@example.com`,
    status: "active",
    topics: [],
    frequency: "weekly",
    createdAt: at,
    updatedAt: at,
    confirmedAt: at,
    consent: { requestedAt: at, confirmedAt: at, source: "test", textVersion: "test" },
    confirmationsSentAt: [],
    version: 1,
    ...(optIn && { optIn }),
    ...overrides,
  };
}

export async function saveSubscriber(overrides: Partial<Subscriber> = {}): Promise<Subscriber> {
  const subscriber = makeSubscriber(overrides);
  await Db.Subscribers.save(subscriber);
  return subscriber;
}

/** Saves many subscribers, a few dozen at a time. */
export async function saveSubscribers(list: Array<Partial<Subscriber>>): Promise<Subscriber[]> {
  const saved: Subscriber[] = [];
  for (let i = 0; i < list.length; i += 50) {
    saved.push(...(await Promise.all(list.slice(i, i + 50).map(saveSubscriber))));
  }
  return saved;
}

/**
 * Creates `count` new subscribers fast (scale tests): `make(i)` gives subscriber `i`'s overrides. Their items (the
 * db layer's own, `Db.Subscribers.itemsOf`) go 25 to a BatchWriteItem, `parallel` batches at a time: twice as
 * fast on DynamoDB Local as `createMany`'s transactions, whose conditions fresh addresses do not need.
 */
export async function createSubscribers(
  count: number,
  make: (i: number) => Partial<Subscriber> = () => ({}),
  parallel = 8,
): Promise<void> {
  let next = 0;
  const waiting: Array<Record<string, unknown>> = [];
  const batch = () => {
    while (waiting.length < 25 && next < count) waiting.push(...Db.Subscribers.itemsOf(makeSubscriber(make(next++))));
    return waiting.splice(0, 25).map((Item) => ({ PutRequest: { Item } }));
  };
  const worker = async () => {
    for (let requests = batch(); requests.length > 0; requests = batch()) {
      await Db.untilProcessed("seed subscribers", requests, async (left) => {
        const { UnprocessedItems } = await Db.db().send(new BatchWriteCommand({ RequestItems: { [Db.tableName()]: [...left] } }));
        return (UnprocessedItems?.[Db.tableName()] ?? []) as typeof requests;
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * `count` new subscriber ids in one subscriber shard (the plan reads a shard a page at a time, and batches are
 * cut from a page), so a send of few subscribers still fills whole batches of 10.
 */
export function idsInOneShard(count: number, shard = 0): string[] {
  const ids: string[] = [];
  while (ids.length < count) {
    const id = makeSubscriber().id;
    if (shardOf(id) === shard) ids.push(id);
  }
  return ids;
}
