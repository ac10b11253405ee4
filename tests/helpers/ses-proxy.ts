/**
 * A small HTTP proxy in front of the SES emulator, for tests of what the SES client actually sends and of how
 * sending copes with SES throttling. While it runs, the app's SES client talks to it (`SES_ENDPOINT`); it
 * forwards every request to the emulator, except that it can answer a share of SendRawEmail calls (chosen by a
 * seeded random, so a run is reproducible) with SES's own throttling error, and one call with the daily-quota
 * variant of it, and the calls to some addresses with an error of a kind Tidings does not know. Every raw MIME message
 * the client sent is kept, whatever the answer was.
 *
 * ```ts
 * const proxy = await startSesProxy({ throttle: 0.1, seed: 7 });
 * try { ...send... } finally { await proxy.stop(); }
 * proxy.counts; // { calls, forwarded, throttled }
 * ```
 *
 * It can also hold every SendRawEmail answer until released (`hold: true`, then `release()`), to see how many calls
 * a worker keeps outstanding at once (`outstanding`, `maxOutstanding`), and stamp each call with a clock of the
 * test's (`clock`), to count calls against a pacing bucket on the same clock.
 */
import { randomUUID } from "node:crypto";
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import * as Config from "../../core/config";
import * as Email from "../../core/email";
import { random } from "./random";

export interface SesProxyOptions {
  /** Where to forward: the emulator (default: the `SES_ENDPOINT` in effect when the proxy starts). */
  target?: string;
  /** The share (0 to 1) of SendRawEmail calls answered with "Maximum sending rate exceeded." instead of sent. */
  throttle?: number;
  /** Seeds the random that picks the throttled calls. */
  seed?: number;
  /** The SendRawEmail call (1 for the first) answered with "Daily message quota exceeded." instead of sent. */
  quotaExceededAt?: number;
  /**
   * Addresses whose every SendRawEmail call is answered with an error no classifier knows (`UNKNOWN_ERROR_CODE`,
   * its message naming the address), as a new or undocumented SES refusal would be.
   */
  unknownErrorFor?: readonly string[];
  /** Keep each call's raw MIME (default true); false keeps only its trace headers (sends of thousands). */
  keepRaw?: boolean;
  /** Hold every SendRawEmail call unanswered until `release()` (then answered as it would have been). */
  hold?: boolean;
  /** Stamps each call's `at` when it arrives (default: `performance.now()`). */
  clock?: () => number;
}

/** One SendRawEmail call as the SES client made it, and what the proxy did with it. */
export interface CapturedCall {
  /** 1 for the first SendRawEmail call. */
  call: number;
  /** The raw MIME message, decoded from `RawMessage.Data`. */
  raw: Buffer;
  outcome: "forwarded" | "throttled" | "quota" | "unknown";
  /** When it arrived, on the `clock` option's clock. */
  at: number;
  /** The address in the `To` header. */
  to?: string;
  /** The `X-Tidings-Digest` and `X-Tidings-Delivery` headers (digest and subscriber), when the message has them. */
  digestId?: string;
  subscriberId?: string;
  /** Forwarded and answered 200 by the emulator: SES accepted it (the emulator's message id). */
  accepted?: string;
}

export interface SesProxy {
  url: string;
  target: string;
  /** SendRawEmail calls received, forwarded to the emulator, and answered with a throttling error (quota included). */
  readonly counts: { calls: number; forwarded: number; throttled: number };
  /** Every SendRawEmail call, in order. */
  readonly calls: readonly CapturedCall[];
  /** SendRawEmail calls received and not yet answered, now and at most at once. */
  readonly outstanding: number;
  readonly maxOutstanding: number;
  /** Resolves once `n` calls are outstanding at once (held ones included). */
  whenOutstanding(n: number): Promise<void>;
  /** Answers every held call and stops holding. */
  release(): void;
  /** The raw messages that were forwarded (what the emulator, standing in for SES, accepted or refused). */
  forwarded(): Buffer[];
  /** Stops the proxy and points the SES client back at the target. */
  stop(): Promise<void>;
}

export const THROTTLED_MESSAGE = "Maximum sending rate exceeded.";
export const QUOTA_MESSAGE = "Daily message quota exceeded.";
export const UNKNOWN_ERROR_CODE = "UnforeseenRecipientProblem";

/** Starts the proxy on a free port and points the app's SES client at it. */
export async function startSesProxy(options: SesProxyOptions = {}): Promise<SesProxy> {
  const target = (options.target ?? process.env.SES_ENDPOINT ?? "").replace(/\/+$/, "");
  if (!target) throw new Error("startSesProxy: no SES_ENDPOINT to forward to");
  const targetUrl = new URL(target);
  const rng = random(options.seed ?? 1);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const counts = { calls: 0, forwarded: 0, throttled: 0 };
  const calls: CapturedCall[] = [];
  const clock = options.clock ?? (() => performance.now());
  let holding = options.hold ?? false;
  const held: (() => void)[] = [];
  let outstanding = 0;
  let maxOutstanding = 0;
  const waiters: { n: number; resolve: () => void }[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, call?: CapturedCall) => {
    const upstream = request(
      {
        agent,
        protocol: targetUrl.protocol,
        hostname: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: targetUrl.host, "content-length": String(body.length) },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (call && answer.statusCode === 200) {
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("end", () => (call.accepted = /<MessageId>([^<]+)</.exec(Buffer.concat(chunks).toString())?.[1] ?? "accepted"));
        }
        answer.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`ses-proxy: ${error.message}`);
    });
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const form = req.method === "POST" ? new URLSearchParams(body.toString("utf8")) : undefined;
      if (form?.get("Action") !== "SendRawEmail") return forward(req, res, body);

      const call = ++counts.calls;
      const at = clock();
      outstanding++;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      res.on("close", () => outstanding--);
      for (const waiter of waiters.filter((w) => outstanding >= w.n)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const raw = Buffer.from(form.get("RawMessage.Data") ?? "", "base64");
      // The random is drawn for every call, so the quota error does not shift which other calls are throttled.
      const throttled = rng.next() < (options.throttle ?? 0);
      const headers = traceHeaders(raw);
      const unknown = headers.to !== undefined && (options.unknownErrorFor ?? []).includes(headers.to);
      const outcome = unknown ? "unknown" : call === options.quotaExceededAt ? "quota" : throttled ? "throttled" : "forwarded";
      const captured: CapturedCall = { call, at, raw: options.keepRaw === false ? Buffer.alloc(0) : raw, outcome, ...headers };
      calls.push(captured);
      const answer = () => {
        if (outcome === "forwarded") {
          counts.forwarded++;
          return forward(req, res, body, captured);
        }
        if (outcome === "unknown") return refuse(res, UNKNOWN_ERROR_CODE, `Cannot deliver to ${headers.to} right now.`);
        counts.throttled++;
        refuse(res, "Throttling", outcome === "quota" ? QUOTA_MESSAGE : THROTTLED_MESSAGE);
      };
      if (holding) held.push(answer);
      else answer();
    });
  });
  server.listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const previous = process.env.SES_ENDPOINT;
  pointSesAt(url);
  return {
    url,
    target,
    counts,
    calls,
    get outstanding() {
      return outstanding;
    },
    get maxOutstanding() {
      return maxOutstanding;
    },
    whenOutstanding: (n) =>
      outstanding >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    release() {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    forwarded: () => calls.filter((c) => c.outcome === "forwarded").map((c) => c.raw),
    async stop() {
      pointSesAt(previous);
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** An SES error answer in the query protocol (the v1 API's SendRawEmail), as AWS documents and sends throttling. */
function refuse(res: ServerResponse, code: string, message: string) {
  const requestId = randomUUID();
  res.writeHead(400, { "content-type": "text/xml", "x-amzn-requestid": requestId });
  res.end(
    `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

/** The recipient and trace headers of a raw message (its header block only). */
function traceHeaders(raw: Buffer): { to?: string; digestId?: string; subscriberId?: string } {
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.toString("latin1", 0, end < 0 ? raw.length : end);
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(\\S+)`, "mi").exec(head)?.[1];
  const to = /^To:[^\r\n]*?<?([^\s<>"]+@[^\s<>"]+?)>?[ \t]*$/im.exec(head)?.[1];
  return { to, digestId: header("X-Tidings-Digest"), subscriberId: header("X-Tidings-Delivery") };
}

/** Points the app's SES client at `endpoint` (unset: the environment's default). */
function pointSesAt(endpoint: string | undefined) {
  if (endpoint === undefined) delete process.env.SES_ENDPOINT;
  else process.env.SES_ENDPOINT = endpoint;
  Config.reset();
  Email.resetClient();
}

