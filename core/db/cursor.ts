/**
 * Pagination cursors: DynamoDB's `LastEvaluatedKey`, as an opaque base64url string for clients. A cursor that
 * does not decode to a key of plain strings is refused as bad input.
 */
import { VisibleError } from "../errors";

export type Key = Record<string, unknown>;

export function encodeCursor(key: Key | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString("base64url") : null;
}

export function decodeCursor(cursor: string | undefined): Key | undefined {
  if (!cursor) return undefined;
  const invalid = new VisibleError("invalid", "invalid_request", "The cursor is not valid.", {
    fields: { cursor: "not a cursor this API returned" },
  });
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid;
  }
  const entries = key && typeof key === "object" && !Array.isArray(key) ? Object.entries(key) : [];
  const known = /^(pk|sk|gsi1pk|gsi1sk|gsi2pk|gsi2sk)$/;
  if (entries.length === 0 || entries.some(([name, value]) => !known.test(name) || typeof value !== "string")) {
    throw invalid;
  }
  return key as Key;
}
