/**
 * A small HTTP proxy in front of DynamoDB Local that fails a share of requests the way DynamoDB and networks do,
 * for tests of what the app does when its database calls fail. While it runs, the app's DynamoDB client talks to
 * it (`DYNAMODB_ENDPOINT`). Each request, chosen by a seeded random, is:
 * - forwarded (most), or answered with
 * - `500`: DynamoDB's InternalServerError (the SDK retries it);
 * - `throttled`: 400 ProvisionedThroughputExceededException (the SDK retries it, after a back-off);
 * - `drop-before`: the connection closed before forwarding (nothing happened; the caller sees a socket error);
 * - `drop-after`: forwarded, DynamoDB's answer thrown away and the connection closed: the write happened but the
 *   caller saw a failure (and the SDK's retry meets its own write: a conditional put now fails its condition).
 * Requests overlap, so which one a draw falls on depends on timing: a seed replays the mix, not each request.
 *
 * ```ts
 * const proxy = await startDynamoDbProxy({ rate: 0.05, seed: 7 });
 * try { ...act... } finally { await proxy.stop(); }
 * proxy.counts; // { requests, forwarded, injected: { "500": n, throttled: n, ... } }
 * ```
 */
import { randomUUID } from "node:crypto";
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import { random } from "./random";

export const DYNAMODB_FAULTS = ["500", "throttled", "drop-before", "drop-after"] as const;
export type DynamoDbFault = (typeof DYNAMODB_FAULTS)[number];

export interface DynamoDbProxyOptions {
  /** Where to forward (default: the `DYNAMODB_ENDPOINT` in effect when the proxy starts). */
  target?: string;
  /** The share (0 to 1) of requests that fail; may be changed while the proxy runs (0: forward everything). */
  rate?: number;
  /** Seeds the random that picks the failing requests and their fault. */
  seed?: number;
  /** The faults to draw from, equally likely (default: all four). */
  faults?: readonly DynamoDbFault[];
  /** Only operations whose name matches (`PutItem`, `TransactWriteItems`, ...) may fail (default: all). */
  operations?: RegExp;
}

export interface DynamoDbProxy {
  url: string;
  /** The share of requests that fail from now on. */
  rate: number;
  readonly counts: {
    requests: number;
    forwarded: number;
    injected: Record<DynamoDbFault, number>;
    /** Requests by operation (`GetItem`, `BatchGetItem`, ...), failed or not. */
    operations: Record<string, number>;
    /** Items DynamoDB answered with, over every read forwarded (GetItem, BatchGetItem, Query, Scan). */
    itemsRead: number;
  };
  /** The next request for an operation matching `operation` gets `fault`, whatever the rate (for one exact case). */
  failNext(fault: DynamoDbFault, operation?: RegExp): void;
  /** Stops the proxy and points the app back at the target. */
  stop(): Promise<void>;
}

/** Starts the proxy on a free port and points the app's DynamoDB client at it. */
export async function startDynamoDbProxy(options: DynamoDbProxyOptions = {}): Promise<DynamoDbProxy> {
  const target = new URL(
    (options.target ?? process.env.DYNAMODB_ENDPOINT ?? "").replace(/\/+$/, "") || "http://missing",
  );
  if (target.hostname === "missing") throw new Error("startDynamoDbProxy: no DYNAMODB_ENDPOINT to forward to");
  const rng = random(options.seed ?? 1);
  const faults = options.faults ?? DYNAMODB_FAULTS;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts = {
    requests: 0,
    forwarded: 0,
    injected: Object.fromEntries(DYNAMODB_FAULTS.map((f) => [f, 0])) as Record<DynamoDbFault, number>,
    operations: {} as Record<string, number>,
    itemsRead: 0,
  };
  const sockets = new Set<Socket>();
  const planned: Array<{ fault: DynamoDbFault; operation?: RegExp }> = [];

  const forward = (
    req: IncomingMessage,
    body: Buffer,
    answer: (status: number, headers: Record<string, any>, body: Buffer) => void,
    fail: (error: Error) => void,
  ) => {
    const upstream = request(
      {
        agent,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, "content-length": String(body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => answer(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)));
        res.on("error", fail);
      },
    );
    upstream.on("error", fail);
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
      counts.requests++;
      counts.operations[operation] = (counts.operations[operation] ?? 0) + 1;
      // Both draws are made for every request, so the mix does not shift with `operations` or the rate.
      const fails = rng.next() < proxy.rate;
      const fault = faults[Math.floor(rng.next() * faults.length)]!;
      const plannedAt = planned.findIndex((p) => !p.operation || p.operation.test(operation));
      const injected =
        plannedAt >= 0
          ? planned.splice(plannedAt, 1)[0]!.fault
          : fails && (!options.operations || options.operations.test(operation))
            ? fault
            : undefined;
      if (injected) counts.injected[injected]++;
      else counts.forwarded++;
      if (injected === "drop-before") return void req.socket.destroy();
      if (injected === "500") return reply(res, 500, "InternalServerError", "Internal server error");
      if (injected === "throttled") {
        return reply(
          res,
          400,
          "ProvisionedThroughputExceededException",
          "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
        );
      }
      forward(
        req,
        body,
        (status, headers, answer) => {
          if (injected === "drop-after") return void req.socket.destroy();
          if (status === 200) counts.itemsRead += itemsIn(operation, answer);
          res.writeHead(status, headers);
          res.end(answer);
        },
        (error) => {
          if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
          res.end(`dynamodb-proxy: ${error.message}`);
        },
      );
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const previous = process.env.DYNAMODB_ENDPOINT;
  pointDynamoDbAt(url);
  const proxy: DynamoDbProxy = {
    url,
    rate: options.rate ?? 0,
    counts,
    failNext: (fault, operation) => void planned.push({ fault, operation }),
    async stop() {
      pointDynamoDbAt(previous);
      agent.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return proxy;
}

/** How many items a read read: those it answers with, or a query's or scan's before any filter (0 for other requests). */
function itemsIn(operation: string, answer: Buffer): number {
  if (!["GetItem", "BatchGetItem", "Query", "Scan"].includes(operation)) return 0;
  try {
    type Answer = { Item?: unknown; Items?: unknown[]; ScannedCount?: number; Responses?: Record<string, unknown[]> };
    const body = JSON.parse(answer.toString("utf8")) as Answer;
    if (operation === "GetItem") return body.Item ? 1 : 0;
    if (operation === "BatchGetItem") return Object.values(body.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);
    return body.ScannedCount ?? body.Items?.length ?? 0;
  } catch {
    return 0;
  }
}

/** DynamoDB's error answer (JSON 1.0 protocol), as the service sends it. */
function reply(res: ServerResponse, status: number, type: string, message: string) {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": randomUUID() });
  res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }));
}

/** Points the app's DynamoDB client at `endpoint` (unset: the environment's default). */
function pointDynamoDbAt(endpoint: string | undefined) {
  if (endpoint === undefined) delete process.env.DYNAMODB_ENDPOINT;
  else process.env.DYNAMODB_ENDPOINT = endpoint;
  Config.reset();
  Db.resetClient();
}
