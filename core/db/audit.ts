/**
 * The audit log: one item per editor action, in a partition per month (`AUDIT#<yyyy-mm>`), sorted by time. Kept
 * two years (TTL). Read newest first, a month at a time, paged by the sort key.
 */
import { randomBytes } from "node:crypto";
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import * as keys from "./keys";

export interface AuditEntry {
  at: string;
  /** The editor: their address (dashboard) or their token's name (API and CLI). */
  who: string;
  via: "dashboard" | "token";
  /** What: the method and route (`POST /api/digests/{id}/send`) or the dashboard action. */
  action: string;
  /** On what: the route's ids (a digest, a topic), and the people it was about as keyed hashes. */
  target?: string;
  /** The answer's status. */
  status: number;
}

const KEEP_SECONDS = 2 * 365 * 24 * 60 * 60;

export async function put(entry: AuditEntry): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.audit.key(entry.at, randomBytes(6).toString("base64url")),
        entity: "audit",
        ...entry,
        expiresAt: Math.floor(Date.parse(entry.at) / 1000) + KEEP_SECONDS,
      },
    }),
  );
}

/** "One month's entries, newest first", a page at a time (`before`: the sort key to go on from). */
export async function month(yyyyMm: string, before?: string, limit = 50): Promise<{ entries: AuditEntry[]; before?: string }> {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: before ? "pk = :pk AND sk < :before" : "pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.audit.partition(yyyyMm), ...(before && { ":before": before }) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  const entries = Items.map(({ at, who, via, action, target, status }) => ({ at, who, via, action, target, status }) as AuditEntry);
  return { entries, before: LastEvaluatedKey?.sk as string | undefined };
}
