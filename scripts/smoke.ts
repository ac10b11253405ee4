/**
 * `npm run smoke -- --api <url> [--editor-token <token>]`: after a deploy, checks the stage through its public
 * HTTP API, as a reader, Stripe and an editor would meet it. It reads, and writes nothing but one sign-up of an
 * address on SES's mailbox simulator (delivered nowhere; the pending sign-up is forgotten after 7 days): no real
 * reader is emailed, no Stripe event is accepted, and an editor token is used for a read only.
 * One line per check, then a summary; exit 0 when every check passed, 1 when any failed, 2 for a mistaken command.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { table } from "./cli/format";

const USAGE = `usage: npm run smoke -- --api <url> [--editor-token <token>] [--skip-signup] [--timeout <seconds>]

  --api URL             the stage's API: the \`api\` output of \`sst deploy\`, or http://127.0.0.1:3000
  --editor-token TOKEN  also check an editor read (GET /api/stats); default TIDINGS_TOKEN
  --skip-signup         leave out the sign-up of an address on SES's mailbox simulator
  --timeout SECONDS     how long each check may take (default 10)`;

interface Settings {
  api: string;
  editorToken?: string;
  skipSignup: boolean;
  timeoutMs: number;
}

/** What came back, read whole. */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

interface Context extends Settings {
  call(method: string, path: string, options?: { json?: unknown; headers?: Record<string, string> }): Promise<Answer>;
}

/** A check passes by answering a short detail (`note` for a pass worth a second look) and fails by throwing. */
interface Check {
  name: string;
  /** Why it does not run this time, if it does not. */
  skip?: (settings: Settings) => string | false;
  run(context: Context): Promise<string | { detail: string; note: true }>;
}

class CheckFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckFailedError";
  }
}

class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const parsed = (answer: Answer): any => {
  try {
    return JSON.parse(answer.text);
  } catch {
    return undefined;
  }
};

/** "401 unauthorized" for the API's error shape, else the status and the start of the body. */
function describe(answer: Answer): string {
  const code = parsed(answer)?.error?.code;
  const text = typeof code === "string" ? code : answer.text.replace(/\s+/g, " ").trim().slice(0, 60);
  // Names the request in the platform's logs (API Gateway, Lambda) for whoever looks into a failure.
  const requestId = answer.headers.get("apigw-requestid") ?? answer.headers.get("x-amzn-requestid");
  return [answer.status, text, requestId && `(request ${requestId})`].filter(Boolean).join(" ");
}

function expectStatus(answer: Answer, status: number): void {
  if (answer.status !== status) throw new CheckFailedError(`expected ${status}, got ${describe(answer)}`);
}

function expectHtml(answer: Answer): void {
  expectStatus(answer, 200);
  const type = answer.headers.get("content-type") ?? "";
  if (!type.startsWith("text/html")) throw new CheckFailedError(`expected HTML, got ${type || "no content type"}`);
}

/** Hono's secureHeaders() and our Content-Security-Policy set these on every answer; a proxy or CDN in front may drop them. */
const securityHeaders = ["strict-transport-security", "x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy"];

/** Paths whose absence from the OpenAPI document would mean a wrong or partial deploy. */
const mainPaths = ["/healthz", "/api/subscribe", "/webhooks/stripe", "/api/stats", "/api/topics"];

const checks: Check[] = [
  {
    name: "health",
    async run({ call }) {
      const answer = await call("GET", "/healthz");
      expectStatus(answer, 200);
      if (parsed(answer)?.ok !== true) throw new CheckFailedError(`200 but not {"ok":true}: ${describe(answer)}`);
      return '200 {"ok":true}';
    },
  },
  {
    name: "security headers",
    async run({ call }) {
      const { headers } = await call("GET", "/healthz");
      const missing = securityHeaders.filter((name) => !headers.has(name));
      if (missing.length) throw new CheckFailedError(`missing ${missing.join(", ")}`);
      const [type, frame, referrer] = ["x-content-type-options", "x-frame-options", "referrer-policy"].map((name) => headers.get(name));
      const ancestors = /frame-ancestors ([^;]+)/.exec(headers.get("content-security-policy")!)?.[1];
      if (ancestors !== "'none'") throw new CheckFailedError(`the Content-Security-Policy allows framing by ${ancestors ?? "anyone"}`);
      return `${type}, frame ${frame}, HSTS, referrer ${referrer}, CSP frame-ancestors ${ancestors}`;
    },
  },
  {
    name: "openapi",
    async run({ call }) {
      const answer = await call("GET", "/openapi.json");
      expectStatus(answer, 200);
      const document = parsed(answer);
      if (typeof document?.openapi !== "string") throw new CheckFailedError("no `openapi` version in the document");
      const missing = mainPaths.filter((path) => !document.paths?.[path]);
      if (missing.length) throw new CheckFailedError(`OpenAPI ${document.openapi} without ${missing.join(", ")}`);
      return `OpenAPI ${document.openapi}, ${Object.keys(document.paths).length} paths`;
    },
  },
  {
    name: "docs",
    async run({ call }) {
      expectHtml(await call("GET", "/docs"));
      return "200 HTML";
    },
  },
  {
    name: "reader page",
    async run({ call }) {
      const answer = await call("GET", "/");
      expectHtml(answer);
      if (!/<form[^>]*action="\/api\/subscribe"/.test(answer.text)) {
        throw new CheckFailedError("200 HTML without the sign-up form");
      }
      return "200 HTML with the sign-up form";
    },
  },
  {
    name: "sign-up",
    skip: ({ skipSignup }) => skipSignup && "--skip-signup",
    async run({ call }) {
      // SES's mailbox simulator: SES accepts the confirmation and delivers it nowhere.
      const email = `success+smoke-${randomBytes(4).toString("hex")}@simulator.amazonses.com`;
      const answer = await call("POST", "/api/subscribe", { json: { email } });
      expectStatus(answer, 202);
      if (parsed(answer)?.status !== "pending") {
        throw new CheckFailedError(`202 but not {"status":"pending"}: ${describe(answer)}`);
      }
      return `202 pending: ${email}`;
    },
  },
  {
    name: "stripe webhook",
    async run({ call }) {
      // A current timestamp, so it is the signature itself that is refused.
      const signature = `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`;
      const event = { id: "evt_smoke", object: "event", type: "smoke.check", data: { object: {} } };
      const answer = await call("POST", "/webhooks/stripe", { json: event, headers: { "stripe-signature": signature } });
      if (answer.status === 503 && parsed(answer)?.error?.code === "stripe_not_configured") {
        return { detail: "503: stripe not configured", note: true };
      }
      if (answer.status < 300) throw new CheckFailedError(`accepted an unsigned event: ${describe(answer)}`);
      expectStatus(answer, 400);
      return `bad signature refused: ${describe(answer)}`;
    },
  },
  {
    name: "editor auth",
    async run({ call }) {
      const answer = await call("GET", "/api/stats");
      expectStatus(answer, 401);
      return `no token refused: ${describe(answer)}`;
    },
  },
  {
    name: "editor read",
    skip: ({ editorToken }) => !editorToken && "no --editor-token",
    async run({ call, editorToken }) {
      const answer = await call("GET", "/api/stats", { headers: { authorization: `Bearer ${editorToken}` } });
      expectStatus(answer, 200);
      const stats = parsed(answer);
      const numbers = [stats?.subscribers?.total, stats?.patrons?.total];
      if (!numbers.every(Number.isInteger) || typeof stats?.monthlyRecurringRevenue !== "object") {
        throw new CheckFailedError(`200 but not the stats' shape: ${answer.text.slice(0, 60)}`);
      }
      return `200: ${numbers[0]} subscribers, ${numbers[1]} patrons`;
    },
  },
];

/** Each check with its own deadline, covering every request it makes, body included. */
function contextFor(settings: Settings): Context {
  const signal = AbortSignal.timeout(settings.timeoutMs);
  return {
    ...settings,
    async call(method, path, { json, headers = {} } = {}) {
      const response = await fetch(settings.api + path, {
        method,
        signal,
        headers: { "user-agent": "tidings-smoke", ...(json !== undefined && { "content-type": "application/json" }), ...headers },
        body: json === undefined ? undefined : JSON.stringify(json),
        redirect: "manual",
      });
      return { status: response.status, headers: response.headers, text: await response.text() };
    },
  };
}

function reason(error: unknown, settings: Settings): string {
  if (error instanceof CheckFailedError) return error.message;
  if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${settings.timeoutMs / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `unreachable (${detail})`;
}

type Result = { check: Check; mark: "✓" | "✗" | "-"; detail: string; ms?: number; note?: boolean };

async function run(check: Check, settings: Settings): Promise<Result> {
  const skipped = check.skip?.(settings);
  if (skipped) return { check, mark: "-", detail: `skipped: ${skipped}` };
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const outcome = await check.run(contextFor(settings));
    return typeof outcome === "string"
      ? { check, mark: "✓", detail: outcome, ms: ms() }
      : { check, mark: "✓", detail: `${outcome.detail} (note)`, ms: ms(), note: true };
  } catch (error) {
    return { check, mark: "✗", detail: reason(error, settings), ms: ms() };
  }
}

function settingsFrom(argv: string[]): Settings | "help" {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        api: { type: "string" },
        "editor-token": { type: "string" },
        "skip-signup": { type: "boolean" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return "help";
  if (!values.api) throw new UsageError("--api is required");
  let url: URL;
  try {
    url = new URL(values.api);
  } catch {
    throw new UsageError(`--api must be a URL (not "${values.api}")`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--api must be http(s) (not ${url.protocol})`);
  const timeout = Number(values.timeout ?? 10);
  if (!(timeout > 0)) throw new UsageError(`--timeout must be a number of seconds (not "${values.timeout}")`);
  return {
    api: url.href.replace(/\/+$/, ""),
    editorToken: values["editor-token"] ?? (process.env.TIDINGS_TOKEN || undefined),
    skipSignup: values["skip-signup"] ?? false,
    timeoutMs: timeout * 1000,
  };
}

async function main(argv: string[]): Promise<number> {
  const settings = settingsFrom(argv);
  if (settings === "help") {
    console.log(USAGE);
    return 0;
  }
  console.log(`Smoke check of ${settings.api}\n`);
  const started = performance.now();
  // Independent, so at once: the whole run takes as long as the slowest check, at most the timeout.
  const results = await Promise.all(checks.map((check) => run(check, settings)));
  console.log(table(results.map(({ mark, check, detail, ms }) => [mark, check.name, detail, ms === undefined ? "" : `${ms} ms`])));

  const failed = results.filter((result) => result.mark === "✗");
  const count = (mark: Result["mark"]) => results.filter((result) => result.mark === mark).length;
  const notes = results.filter((result) => result.note).length;
  const summary = [
    `${count("✓")} passed${notes ? ` (${notes} with a note)` : ""}`,
    `${failed.length} failed${failed.length ? ` (${failed.map((result) => result.check.name).join(", ")})` : ""}`,
    count("-") && `${count("-")} skipped`,
  ];
  console.log(`\n${summary.filter(Boolean).join(", ")} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return failed.length ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  if (!(error instanceof UsageError)) throw error;
  console.error(`smoke: ${error.message}\n\n${USAGE}`);
  return 2;
});
