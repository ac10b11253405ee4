/**
 * The progress of a digest's cancel or resume (`control` on the digest item), which page messages move forward
 * one page at a time, each only from where it found it.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";

/**
 * Records that cancel or resume `run` got from `expected` to `next` (a position, or "done"), only if it still stood
 * at `expected`: a duplicated or stale page message can never move it, backwards or twice. Answers whether it did.
 */
export async function record(digestId: string, run: string, expected: string, next: string, at: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.digest.key(digestId),
        UpdateExpression: "SET #control.#position = :next, #control.movedAt = :at",
        ConditionExpression: "#control.#run = :run AND #control.#position = :expected",
        ExpressionAttributeNames: { "#control": "control", "#position": "position", "#run": "run" },
        ExpressionAttributeValues: { ":next": next, ":at": at, ":run": run, ":expected": expected },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
