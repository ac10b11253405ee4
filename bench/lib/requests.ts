/**
 * Counts the AWS requests Tidings makes, by service and operation, with a middleware on its own SDK clients (the
 * same clients the send path uses; nothing is stubbed). DynamoDB and SQS name the operation in `X-Amz-Target`,
 * SES (a query protocol) in the `Action` of the body.
 */
export type Counts = Record<string, number>;

const counts: Counts = {};

/** Adds the counting middleware to a client (once per client). */
export function count(service: string, client: { middlewareStack: { add(middleware: any, options: any): void; identify(): string[] } }): void {
  const name = `bench-count-${service}`;
  if (client.middlewareStack.identify().some((entry) => entry.startsWith(name))) return;
  client.middlewareStack.add(
    (next: (args: any) => Promise<unknown>) => async (args: any) => {
      const headers = args.request?.headers ?? {};
      const target: string | undefined = headers["x-amz-target"] ?? headers["X-Amz-Target"];
      const body = typeof args.request?.body === "string" ? args.request.body : "";
      const operation = target?.split(".").at(-1) ?? body.match(/(?:^|&)Action=(\w+)/)?.[1] ?? "unknown";
      const key = `${service}.${operation}`;
      counts[key] = (counts[key] ?? 0) + 1;
      return next(args);
    },
    { step: "finalizeRequest", name },
  );
}

/** DynamoDB capacity units Tidings consumed: what DynamoDB reported for each request (tables and indexes). */
const capacity = { write: 0, read: 0 };

const WRITES = new Set([
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "BatchWriteItemCommand",
  "TransactWriteItemsCommand",
  "PutCommand",
  "UpdateCommand",
  "DeleteCommand",
  "BatchWriteCommand",
  "TransactWriteCommand",
]);
const READS = new Set(["GetItemCommand", "QueryCommand", "BatchGetItemCommand", "ScanCommand", "GetCommand", "BatchGetCommand"]);

/**
 * Asks DynamoDB to report the capacity every request of `client` consumes (`ReturnConsumedCapacity: INDEXES`, which
 * DynamoDB Local answers as DynamoDB does: transactional writes at twice the units, each index write apart) and
 * adds it up. A request that fails (a cancelled transaction) reports none.
 */
export function measureCapacity(client: { middlewareStack: { add(middleware: any, options: any): void; identify(): string[] } }): void {
  const name = "bench-capacity";
  if (client.middlewareStack.identify().some((entry) => entry.startsWith(name))) return;
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: any) => {
      const command = context.commandName ?? "";
      const kind = WRITES.has(command) ? "write" : READS.has(command) ? "read" : undefined;
      if (kind && args.input && args.input.ReturnConsumedCapacity === undefined) args.input.ReturnConsumedCapacity = "INDEXES";
      const result = await next(args);
      if (command === "TransactWriteCommand" || command === "TransactWriteItemsCommand") {
        capacity.write += transactionUnits(args.input.TransactItems ?? []);
        return result;
      }
      const consumed = result?.output?.ConsumedCapacity;
      if (kind) for (const entry of [consumed ?? []].flat()) capacity[kind] += Number(entry?.CapacityUnits ?? 0);
      return result;
    },
    { step: "initialize", name },
  );
}

/**
 * DynamoDB's size of an item as the document client holds it (attribute names and values: UTF-8 strings, numbers
 * as about one byte per two digits, maps and lists with 3 bytes each and 1 per element), in bytes.
 */
function size(value: unknown): number {
  const typed = attributeValue(value);
  if (typed) {
    const [type, inner] = typed;
    if (type === "N") return size(Number(inner));
    if (type === "M") return size(Object.fromEntries(Object.entries(inner as object)));
    return size(inner);
  }
  if (typeof value === "string") return Buffer.byteLength(value);
  if (typeof value === "number") return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, "").length / 2) + 1;
  if (typeof value === "boolean" || value === null || value === undefined) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + size(element) + 1, 0);
  if (typeof value === "object") {
    return 3 + Object.entries(value).reduce((sum, [name, element]) => sum + Buffer.byteLength(name) + size(element) + 1, 0);
  }
  return 0;
}

/** A value as the low-level client sends it (`{ S: "…" }`, `{ M: {…} }`), as its type and contents. */
function attributeValue(value: unknown): [string, unknown] | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  const [type, inner] = entries[0] ?? [];
  return entries.length === 1 && /^(S|N|B|BOOL|NULL|M|L|SS|NS|BS)$/.test(type!) ? [type!, inner] : undefined;
}

/**
 * The write units of a transaction, as DynamoDB bills them: 2 per KB of each item. DynamoDB Local reports a
 * transaction's units right for a few items but not for many (a 97-item plan transaction came back as 6), so they
 * are worked out here: a Put from its item; an Update or Delete as one KB, since those the send path makes (counter
 * items, open markers) are about 100 bytes. Items with index keys would add index writes: none in the send path has any.
 */
function transactionUnits(items: readonly Record<string, any>[]): number {
  return items.reduce((sum, item) => {
    const put = item.Put?.Item;
    const bytes = put ? Object.entries(put).reduce((total, [name, value]) => total + Buffer.byteLength(name) + size(value), 0) : 1024;
    return sum + 2 * Math.max(1, Math.ceil(bytes / 1024));
  }, 0);
}

/** The counts since the last `reset()`. */
export function snapshot(): Counts {
  return { ...counts, "dynamodb.writeUnits": capacity.write, "dynamodb.readUnits": capacity.read };
}

export function reset(): void {
  for (const key of Object.keys(counts)) delete counts[key];
  capacity.write = 0;
  capacity.read = 0;
}

/** Requests to one service (`dynamodb`, `sqs`, `ses`), all operations. */
export function total(of: Counts, service: string): number {
  return Object.entries(of)
    .filter(([key]) => key.startsWith(`${service}.`) && !key.endsWith("Units"))
    .reduce((sum, [, n]) => sum + n, 0);
}
