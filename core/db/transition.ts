/**
 * A status change as one conditional UpdateItem: set the new status (and the index key that follows it), set,
 * remove and add fields, but only if the item is in one of the expected statuses (plus any extra condition).
 * Answers the updated item, or undefined when the condition failed (someone else changed it first).
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import { isConditionFailure } from "./errors";

export interface Transition {
  key: Record<string, string>;
  from: readonly string[];
  to: string;
  /** The index attributes that depend on the status (e.g. `{ gsi1pk: "DELIVERIES#…#sent#2" }`). */
  indexKeys: Record<string, string>;
  set?: Record<string, unknown>;
  remove?: readonly string[];
  add?: Record<string, number>;
  /** Extra conditions, each ANDed, with their values; they may use `#status`. */
  also?: { expressions: readonly string[]; values: Record<string, unknown> };
}

/** The conditional UpdateItem of a transition, without a table's answer (alone, or as one item of a transaction). */
export function transitionUpdate(change: Transition) {
  const names: Record<string, string> = { "#status": "status" };
  const values: Record<string, unknown> = { ":to": change.to, ...change.also?.values };
  const assignments = ["#status = :to"];
  const field = (name: string) => ((names[`#${name}`] = name), `#${name}`);
  for (const [name, value] of Object.entries({ ...change.indexKeys, ...change.set })) {
    values[`:set_${name}`] = value;
    assignments.push(`${field(name)} = :set_${name}`);
  }
  const additions = Object.entries(change.add ?? {}).map(([name, amount]) => {
    values[`:add_${name}`] = amount;
    return `${field(name)} :add_${name}`;
  });
  const removals = (change.remove ?? []).map(field);
  const from = change.from.map((status, i) => ((values[`:from${i}`] = status), `#status = :from${i}`));
  const condition = ["attribute_exists(pk)", `(${from.join(" OR ")})`, ...(change.also?.expressions ?? []).map((e) => `(${e})`)];
  return {
    TableName: tableName(),
    Key: change.key,
    UpdateExpression: [
      `SET ${assignments.join(", ")}`,
      removals.length ? `REMOVE ${removals.join(", ")}` : "",
      additions.length ? `ADD ${additions.join(", ")}` : "",
    ].join(" "),
    ConditionExpression: condition.join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export async function transition(change: Transition): Promise<Record<string, any> | undefined> {
  try {
    const { Attributes } = await db().send(new UpdateCommand({ ...transitionUpdate(change), ReturnValues: "ALL_NEW" }));
    return Attributes;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}
