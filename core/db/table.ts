/**
 * The one definition of Tidings' DynamoDB table, shared by `sst.config.ts` (deployed) and the local stack
 * (DynamoDB Local in `npm start` and the tests). Keys are generic (`pk`/`sk`, `gsi1pk`/`gsi1sk`, ...); what they
 * hold for each entity is decided only in `core/db/keys.ts`.
 */
export const table = {
  fields: {
    pk: "string",
    sk: "string",
    gsi1pk: "string",
    gsi1sk: "string",
    gsi2pk: "string",
    gsi2sk: "string",
  },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  globalIndexes: {
    gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk" },
    gsi2: { hashKey: "gsi2pk", rangeKey: "gsi2sk" },
  },
  /** Epoch seconds; DynamoDB deletes the item some time after. DynamoDB Local never does: code filters too. */
  ttl: "expiresAt",
  // No stream: nothing reads one. DynamoDB Local keeps every stream record in memory, even of deleted tables, and
  // slows to a thirtieth of its speed after a few thousand transactions (measured: 285 → 11 per second).
} as const;

export type IndexName = keyof typeof table.globalIndexes;
