/**
 * Load against `npm start`'s stack, shared by the load test and the benchmarks: a steady-rate (open-loop) HTTP
 * driver that can send each request from its own loopback address, latency figures, and the memory of a process.
 *
 * Why not autocannon here: locally the client IP is the socket's address, so traffic from many people must come
 * from many source addresses (127.0.x.y), and autocannon connects with `net.connect(port, host)`, no local
 * address. The benchmarks use autocannon where the source address does not matter (webhooks).
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

export interface LoadRequest {
  /** What this request is, for the figures: "signup", "unsubscribe", "webhook", ... */
  kind: string;
  method: string;
  /** Path and query, e.g. `/api/subscribe`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The loopback address to send from (the client IP the app sees); default 127.0.0.1. */
  from?: string;
  /** Names the request in its sample (a webhook's event id, say), for a test that follows it up. */
  tag?: string;
}

export interface Sample {
  kind: string;
  from: string;
  /** 0 when the request failed before any answer (connection refused, reset, timeout). */
  status: number;
  /** From the moment the request was due (not when it could be sent): queueing counts as latency. */
  ms: number;
  /** When it was due, ms since the run began. */
  at: number;
  retryAfter?: string;
  error?: string;
  tag?: string;
}

export interface SteadyOptions {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Requests started per second, whatever the answers do (an open loop). */
  rate: number;
  /** How many requests in all; the run lasts `count / rate` seconds plus the last answers. */
  count: number;
  /** The i-th request (0-based), built when it is due. */
  next: (index: number) => LoadRequest;
  /** At most this many requests in flight; later ones wait (and their waiting counts in their latency). */
  maxInFlight?: number;
  /** Each request's deadline. */
  timeoutMs?: number;
}

export interface SteadyRun {
  samples: Sample[];
  /** Wall time of the run, ms. */
  elapsedMs: number;
}

/** Sends `count` requests at `rate` per second, each from its own source address if it names one. */
export async function steadyLoad(options: SteadyOptions): Promise<SteadyRun> {
  const { url, rate, count, next, maxInFlight = 64, timeoutMs = 60_000 } = options;
  const target = new URL(url);
  // A connection per request, as from many different people; a kept-alive socket idle for seconds can be closed
  // by the server just as a request is written on it (ECONNRESET), which is the client's race, not the app's.
  const agent = new Agent({ keepAlive: false, maxTotalSockets: maxInFlight });
  const samples: Sample[] = [];
  const started = performance.now();
  let sent = 0;
  let inFlight = 0;
  let wake: (() => void) | undefined;

  const send = (index: number) => {
    const dueAt = (index / rate) * 1000;
    const spec = next(index);
    const from = spec.from ?? "127.0.0.1";
    inFlight++;
    const done = (sample: Omit<Sample, "kind" | "from" | "ms" | "at">) => {
      samples.push({ kind: spec.kind, from, ms: performance.now() - started - dueAt, at: dueAt, tag: spec.tag, ...sample });
      inFlight--;
      wake?.();
    };
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: spec.method,
        path: spec.path,
        localAddress: from,
        headers: { ...spec.headers, ...(spec.body !== undefined && { "content-length": Buffer.byteLength(spec.body) }) },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          const retryAfter = res.headers["retry-after"];
          done({ status: res.statusCode ?? 0, ...(retryAfter !== undefined && { retryAfter: String(retryAfter) }) });
        });
        res.on("error", (error) => done({ status: 0, error: error.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error) => done({ status: 0, error: error.message }));
    req.end(spec.body);
  };

  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (sent < due && inFlight < maxInFlight) send(sent++);
    if (sent >= count) break;
    const untilNext = (sent / rate) * 1000 - (performance.now() - started);
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, Math.max(1, Math.min(untilNext, 50)));
    });
    wake = undefined;
  }
  while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
  agent.destroy();
  return { samples, elapsedMs: performance.now() - started };
}

/** The `p`-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Figures {
  requests: number;
  /** Answers other than `ok` (and failures without an answer), as a fraction. */
  errorRate: number;
  errors: number;
  /** Answers by status (0: none). */
  statuses: Record<number, number>;
  p50: number;
  p99: number;
  max: number;
}

/** Counts, error rate and latency of `samples`; `ok` says which statuses are the expected answers. */
export function figures(samples: readonly Sample[], ok: (status: number) => boolean = (status) => status >= 200 && status < 300): Figures {
  const statuses: Record<number, number> = {};
  for (const sample of samples) statuses[sample.status] = (statuses[sample.status] ?? 0) + 1;
  const errors = samples.filter((sample) => !ok(sample.status)).length;
  const ms = samples.map((sample) => sample.ms);
  return {
    requests: samples.length,
    errorRate: samples.length ? errors / samples.length : 0,
    errors,
    statuses,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.length ? Math.max(...ms) : Number.NaN,
  };
}

/** One line of figures, for a test's or a benchmark's output. */
export function describe(label: string, f: Figures): string {
  const statuses = Object.entries(f.statuses)
    .map(([status, n]) => `${status}×${n}`)
    .join(" ");
  return (
    `${label.padEnd(22)} ${String(f.requests).padStart(6)} requests, error rate ${(f.errorRate * 100).toFixed(2)}%, ` +
    `p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(0)} ms (${statuses})`
  );
}

/** A process's resident memory now, in MiB (Linux: /proc/<pid>/status); undefined elsewhere or once it's gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

/** Reads `pid`'s RSS every `everyMs` until `stop()`, which answers the readings (ms since start, MiB). */
export function sampleMemory(pid: number, everyMs = 250) {
  const readings: Array<{ at: number; mib: number }> = [];
  const started = performance.now();
  const read = () => {
    const mib = rssMiB(pid);
    if (mib !== undefined) readings.push({ at: performance.now() - started, mib });
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      return readings;
    },
  };
}

/** The peak RSS of the first and the second half of a run's readings. */
export function halves(readings: ReadonlyArray<{ at: number; mib: number }>) {
  const end = readings.at(-1)?.at ?? 0;
  const peak = (list: ReadonlyArray<{ mib: number }>) => Math.max(0, ...list.map((r) => r.mib));
  return {
    first: peak(readings.filter((r) => r.at <= end / 2)),
    second: peak(readings.filter((r) => r.at > end / 2)),
    peak: peak(readings),
  };
}

/**
 * `count` loopback addresses (127.0.x.y, x from `thirdOctet` on), each a different client IP to the app.
 * Linux routes all of 127.0.0.0/8 to the loopback interface; nothing needs configuring.
 */
export function loopbackAddresses(thirdOctet: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.${thirdOctet + Math.floor(i / 254)}.${(i % 254) + 1}`);
}
