/**
 * The post-deploy smoke check (`scripts/smoke.ts`) as an operator runs it: a child process talking over real
 * HTTP to the app served on a real port against the local stack, and to a broken server.
 */
import { execFile } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import { changes, snapshot } from "../adversarial/surface";
import { EDITOR_TOKEN, publish } from "../helpers/editor";
import { saveSubscribers } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo } from "../helpers/mail";

useLocalStack();

const script = resolve("scripts/smoke.ts");
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const names = [
  ...["health", "security headers", "openapi", "docs", "reader page"],
  ...["sign-up", "stripe webhook", "editor auth", "editor read"],
];

let server: ServerType;
let base: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function smoke(args: string[]): Promise<Run> {
  return new Promise((finished) => {
    const env = { ...process.env, TIDINGS_TOKEN: "" }; // only what the test passes
    execFile(process.execPath, ["--import", tsx, script, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) =>
      finished({ code: error ? (typeof error.code === "number" ? error.code : 128 + 9) : 0, stdout, stderr }),
    );
  });
}

/** The line of one check: its mark, its name, then its detail. */
const line = (mark: "✓" | "✗" | "-", name: string, detail = "") =>
  new RegExp(`^${mark}\\s+${name}\\s+${detail.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "m");

beforeAll(async () => {
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => ready());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await publish({ climate: "Climate" }, [{ id: "heat", title: "Heat records fall", topics: ["climate"] }]);
  await saveSubscribers([{ status: "active" }, { status: "active" }, { status: "unsubscribed" }]);
});

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
});

describe("npm run smoke against the app", () => {
  it("passes every check, and its sign-up leaves one pending subscriber on the mailbox simulator and nothing else", async () => {
    const before = await snapshot();

    const run = await smoke(["--api", base, "--editor-token", EDITOR_TOKEN]);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`Smoke check of ${base}`);
    for (const name of names) expect(run.stdout).toMatch(new RegExp(`^✓\\s+${name}\\s+.+\\s\\d+ ms$`, "m"));
    expect(run.stdout).toMatch(line("✓", "security headers", "nosniff, frame DENY, HSTS, referrer same-origin, CSP frame-ancestors 'none'"));
    expect(run.stdout).toMatch(line("✓", "stripe webhook", "503: stripe not configured (note)"));
    expect(run.stdout).toMatch(line("✓", "editor auth", "no token refused: 401 unauthorized"));
    // The sign-up runs alongside, so it may or may not be counted yet.
    expect(run.stdout).toMatch(/^✓\s+editor read\s+200: [34] subscribers, 0 patrons/m);
    expect(run.stdout).toMatch(/^9 passed \(1 with a note\), 0 failed in \d+\.\d s$/m);

    const email = /202 pending: (success\+smoke-[0-9a-f]{8}@simulator\.amazonses\.com)/.exec(run.stdout)?.[1];
    expect(email).toBeDefined();
    const subscriber = await Db.Subscribers.getByEmail(email!);
    expect(subscriber).toMatchObject({
      email,
      status: "pending",
      topics: [],
      optIn: { consent: { source: "api", userAgent: "tidings-smoke" } },
    });
    // The subscriber and its email index entry; the per-IP sign-up counter is left out of snapshots.
    expect(changes(before, await snapshot()).sort()).toEqual([`added EMAIL#${email}|EMAIL`, `added SUB#${subscriber!.id}|PROFILE`]);
    const mail = await mailTo(email!);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body.text).toContain("/confirm?token=");
  });

  it("with a Stripe webhook secret, sees an unsigned event refused with 400; --skip-signup signs nobody up", async () => {
    const before = await snapshot();
    process.env.STRIPE_WEBHOOK_SECRET = "whsec_smoke_test_secret";
    Config.reset();
    try {
      const run = await smoke(["--api", `${base}/`, "--skip-signup"]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(line("✓", "stripe webhook", "bad signature refused: 400 invalid_signature"));
      expect(run.stdout).toMatch(line("-", "sign-up", "skipped: --skip-signup"));
      expect(run.stdout).toMatch(line("-", "editor read", "skipped: no --editor-token"));
      expect(run.stdout).toMatch(/^7 passed, 0 failed, 2 skipped in/m);
    } finally {
      delete process.env.STRIPE_WEBHOOK_SECRET;
      Config.reset();
    }
    expect(changes(before, await snapshot())).toEqual([]);
  });

  it("fails, naming the check, with a wrong editor token", async () => {
    const run = await smoke(["--api", base, "--editor-token", "not-a-real-token", "--skip-signup"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(line("✗", "editor read", "expected 200, got 401 unauthorized"));
    expect(run.stdout).toMatch(/^7 passed \(1 with a note\), 1 failed \(editor read\), 1 skipped in/m);
  });
});

describe("npm run smoke against something wrong", () => {
  let broken: Server;
  let brokenBase: string;

  beforeAll(async () => {
    // 500 to everything, and no answer at all from /docs.
    broken = createServer((request, response) => {
      if (request.url === "/docs") return;
      response.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error");
    });
    broken.listen(0, "127.0.0.1");
    await once(broken, "listening");
    brokenBase = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    broken.closeAllConnections();
    await new Promise((done) => broken.close(done));
  });

  it("fails every check, each with what came back, within the timeout, and exits 1", async () => {
    const run = await smoke(["--api", brokenBase, "--editor-token", EDITOR_TOKEN, "--timeout", "1"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(line("✗", "health", "expected 200, got 500 Internal Server Error"));
    expect(run.stdout).toMatch(line("✗", "security headers", "missing strict-transport-security, x-content-type-options"));
    expect(run.stdout).toMatch(line("✗", "docs", "no answer within 1 s"));
    expect(run.stdout).toMatch(line("✗", "stripe webhook", "expected 400, got 500"));
    for (const name of names) expect(run.stdout).toMatch(line("✗", name));
    expect(run.stdout).toMatch(new RegExp(`^0 passed, 9 failed \\(${names.join(", ")}\\) in`, "m"));
  });

  it("exits 1 when nothing answers at all", async () => {
    const run = await smoke(["--api", "http://127.0.0.1:9", "--skip-signup"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(line("✗", "health", "unreachable ("));
  });

  it("refuses a command line without a usable --api with exit code 2 and the usage", async () => {
    const [missing, invalid, ftp] = await Promise.all([
      smoke([]),
      smoke(["--api", "not a url"]),
      smoke(["--api", "ftp://example.org"]),
    ]);
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toContain("smoke: --api is required");
    expect(missing.stderr).toContain("usage: npm run smoke -- --api <url>");
    expect(invalid).toMatchObject({ code: 2, stderr: expect.stringContaining('--api must be a URL (not "not a url")') });
    expect(ftp).toMatchObject({ code: 2, stderr: expect.stringContaining("--api must be http(s)") });
  });
});
