/**
 * Editors' sessions and the sign-in links they used, under the editor's partition (`EDITOR#<editor key>`). A
 * session is valid only while its record exists, is not past its end and has been used lately (`lastSeenAt`):
 * signing out deletes it, DynamoDB's TTL clears it after its end.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";

export interface EditorSession {
  /** `eds_…`, random and unguessable. */
  id: string;
  editorKey: string;
  createdAt: string;
  /** The last request it made (moved at most once a minute). */
  lastSeenAt: string;
  /** Epoch seconds: its end, however active (and the TTL). */
  expiresAt: number;
}

export async function put(session: EditorSession): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.editor.session(session.editorKey, session.id), entity: "editor-session", ...session },
    }),
  );
}

/** "An editor's session by id" (strongly consistent, so signing out is seen at once); one past its end is absent. */
export async function get(editorKey: string, sessionId: string, now = new Date()): Promise<EditorSession | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.editor.session(editorKey, sessionId), ConsistentRead: true }),
  );
  if (!Item || (Item.expiresAt as number) * 1000 <= now.getTime()) return undefined;
  const { id, createdAt, lastSeenAt, expiresAt } = Item as EditorSession;
  return { id, editorKey, createdAt, lastSeenAt, expiresAt };
}

/** Records a request of the session (if it still exists). */
export async function touch(editorKey: string, sessionId: string, at: Date): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.editor.session(editorKey, sessionId),
        UpdateExpression: "SET lastSeenAt = :at",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":at": at.toISOString() },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error; // signed out meanwhile
    });
}

export async function remove(editorKey: string, sessionId: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.editor.session(editorKey, sessionId) }));
}

/** Records the use of a sign-in link; false when it was used before (a link signs in once). */
export async function useLink(editorKey: string, nonce: string, expiresAt: number, now = new Date()): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.editor.link(editorKey, nonce), entity: "editor-link", usedAt: now.toISOString(), expiresAt },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
