/**
 * The reconciliation's checkpoint: one item (`RECONCILIATION` / `CHECKPOINT`) holding where the current cycle
 * stands (saved after every page) and a lease, so one invocation at a time works the cycle. The lease is a
 * heartbeat: taken with a conditional update when free or expired, renewed by every save, given back at the end.
 */
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Cycle } from "../patrons/reconcile";
import { db, tableName } from "./client";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";

export interface Checkpoint {
  /** The cycle under way or last finished; absent before the first. */
  cycle?: Cycle;
  /** Epoch ms until which an invocation holds the lease (0: free). */
  leaseUntil: number;
}

/** Where reconciliation stands ("is a cycle due, or held?"): one strongly consistent read. */
export async function read(): Promise<Checkpoint> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.reconciliation.key(), ConsistentRead: true }));
  return { cycle: Item?.cycle as Cycle | undefined, leaseUntil: Number(Item?.leaseUntil ?? 0) };
}

/**
 * Takes the lease until `until` (epoch ms) under `token`, if nobody holds it at `now` (epoch ms). Answers the
 * checkpoint as it stands once taken, or undefined when another invocation holds it.
 */
export async function lease(token: string, until: number, now: number): Promise<Checkpoint | undefined> {
  try {
    const { Attributes } = await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.reconciliation.key(),
        UpdateExpression: "SET entity = :entity, leaseToken = :token, leaseUntil = :until",
        ConditionExpression: "attribute_not_exists(leaseUntil) OR leaseUntil < :now",
        ExpressionAttributeValues: { ":entity": "reconciliation", ":token": token, ":until": until, ":now": now },
        ReturnValues: "ALL_NEW",
      }),
    );
    return { cycle: Attributes?.cycle as Cycle | undefined, leaseUntil: until };
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/**
 * Saves the cycle and renews the lease until `until`, if `token` still holds it. Answers false when the lease was
 * lost (this invocation overran it and another took over): the caller stops, its last page done twice at worst.
 */
export async function save(cycle: Cycle, token: string, until: number): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.reconciliation.key(),
        UpdateExpression: "SET #cycle = :cycle, leaseUntil = :until",
        ConditionExpression: "leaseToken = :token",
        ExpressionAttributeNames: { "#cycle": "cycle" },
        ExpressionAttributeValues: { ":cycle": cycle, ":token": token, ":until": until },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Gives the lease back (if `token` still holds it), so the next invocation need not wait for it to expire. */
export async function release(token: string): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.reconciliation.key(),
        UpdateExpression: "SET leaseUntil = :free REMOVE leaseToken",
        ConditionExpression: "leaseToken = :token",
        ExpressionAttributeValues: { ":free": 0, ":token": token },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
