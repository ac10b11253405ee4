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

/** The counts since the last `reset()`. */
export function snapshot(): Counts {
  return { ...counts };
}

export function reset(): void {
  for (const key of Object.keys(counts)) delete counts[key];
}

/** Requests to one service (`dynamodb`, `sqs`, `ses`), all operations. */
export function total(of: Counts, service: string): number {
  return Object.entries(of)
    .filter(([key]) => key.startsWith(`${service}.`))
    .reduce((sum, [, n]) => sum + n, 0);
}
