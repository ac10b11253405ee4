/**
 * The app served in a fresh Node process (`app-child.ts`) and timed GETs against it: time to first byte (the
 * answer's status line and headers arriving; the pages are rendered whole before they are sent, so it is also the
 * server's time), time to the last byte, and the body, over one kept-alive connection as a browser would use.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { Agent, request } from "node:http";
import { join } from "node:path";

export interface Timed {
  status: number;
  ttfbMs: number;
  totalMs: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export interface ServedApp {
  url: string;
  /** From the process's start to listening (loading the app's modules included). */
  startupMs: number;
  get(path: string, headers?: Record<string, string>): Promise<Timed>;
  /** DynamoDB requests the app made, and the read units they consumed, since the last call. */
  dynamoRequests(): Promise<{ requests: number; readUnits: number }>;
  stop(): Promise<void>;
}

export async function startApp(env: Record<string, string | undefined>): Promise<ServedApp> {
  const child = fork(join(import.meta.dirname, "app-child.ts"), [], {
    execArgv: ["--import", "tsx"],
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const replies: Array<(message: any) => void> = [];
  const ready = await new Promise<{ port: number; startupMs: number }>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the app exited (${code}) before it listened`)));
    child.on("message", (message: any) => (message.type === "ready" ? resolve(message) : replies.shift()?.(message)));
  });
  const url = `http://127.0.0.1:${ready.port}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    url,
    startupMs: ready.startupMs,
    get: (path, headers = {}) => timedGet(agent, `${url}${path}`, headers),
    dynamoRequests: () =>
      new Promise((resolve) => {
        replies.push(({ requests, readUnits }) => resolve({ requests, readUnits }));
        child.send({ type: "counts" });
      }),
    async stop() {
      agent.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function timedGet(agent: Agent, url: string, headers: Record<string, string>): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const outgoing = request(url, { agent, headers }, (response) => {
      const ttfbMs = performance.now() - started;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, ttfbMs, totalMs: performance.now() - started, body: Buffer.concat(chunks), headers: response.headers }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}
