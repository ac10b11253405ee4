/**
 * `npm start` as a reader, an editor or a load generator meets it: the real script in a child process on free
 * ports, with its own DynamoDB Local, SES emulator, fauxqs, S3 stand-in, send worker and (no Stripe keys being
 * passed on) its local Stripe stand-in. Used by the browser
 * tests, the load tests and the benchmarks. `stop()` ends it with SIGTERM, as Ctrl-C would, and waits until it has gone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

export interface NpmStart {
  /** The API, `http://127.0.0.1:<port>`. */
  url: string;
  /** The SES emulator: `GET <mailUrl>/store` lists every email sent. */
  mailUrl: string;
  /** The local Stripe stand-in, whose Checkout and Billing Portal pages the app sends readers to. */
  stripeUrl: string;
  /** The bearer token editor routes take. */
  editorToken: string;
  /** The child's process id (for memory and CPU readings). */
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface NpmStartOptions {
  /** Extra environment for the app (e.g. STRIPE_API_BASE, STRIPE_WEBHOOK_SECRET, SES_MAX_SEND_RATE). */
  env?: Record<string, string>;
  /** How long to wait for "Tidings is running" (a cold JVM on a busy 2-core machine can take a while). */
  timeoutMs?: number;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `npm start` on free ports. A port found free may be taken by another test file's process before this one
 * binds it (files run side by side): a start that fails on a port in use is tried again on other ports.
 */
export async function startNpmStart(options: NpmStartOptions = {}): Promise<NpmStart> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

async function startOnce(options: NpmStartOptions): Promise<NpmStart> {
  const [port, dynamoPort, sesPort, sqsPort, s3Port, stripePort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const editorToken = randomBytes(32).toString("base64url");
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    DYNAMO_PORT: String(dynamoPort),
    SES_PORT: String(sesPort),
    SQS_PORT: String(sqsPort),
    S3_PORT: String(s3Port),
    STRIPE_PORT: String(stripePort),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    EDITOR_TOKENS: `editor:admin:${editorToken}`,
    TABLE_NAME: "tidings-local",
    ...options.env,
  };
  // The test run's own stand-ins must not leak in: this stack starts its own.
  const own = ["DYNAMODB_ENDPOINT", "SES_ENDPOINT", "SQS_ENDPOINT", "SEND_QUEUE_URL", "TRANSACTIONAL_QUEUE_URL", "S3_ENDPOINT", "EXPORT_BUCKET"];
  for (const name of [...own, "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE"]) {
    if (!options.env?.[name]) delete env[name];
  }
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: process.cwd(),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  while (!output.includes("Tidings is running")) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not come up in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const mailUrl = /mail viewer\s+(\S+?)\/?\s/.exec(output)?.[1] ?? `http://127.0.0.1:${sesPort}`;
  const stripeUrl = options.env?.STRIPE_API_BASE ?? `http://127.0.0.1:${stripePort}`;
  return { url: `http://127.0.0.1:${port}`, mailUrl, stripeUrl, editorToken, pid: child.pid!, output: () => output, stop };
}
