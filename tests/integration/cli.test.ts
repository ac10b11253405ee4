/**
 * The editor CLI (`scripts/tidings.ts`) as an editor runs it: a child process talking to the app over real HTTP,
 * against the real local stack.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { randomUUID } from "node:crypto";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import * as Db from "../../core/db";
import type { Delivery } from "../../core/delivery/types";
import { startLocalWorker } from "../../scripts/local-worker";
import { EDITOR_TOKEN, publish } from "../helpers/editor";
import { csvNow } from "../helpers/exports";
import { saveSubscribers } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { planDeliveries } from "../helpers/deliveries";

useLocalStack();

const script = resolve("scripts/tidings.ts");
// An absolute loader, so the CLI can run in any folder (a bare `--import tsx` resolves from the working directory).
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

let server: ServerType;
let base: string;
let workdir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts `tidings <args>` in `workdir` with the API's URL and the editor token in its environment. */
function start(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Run> } {
  let child!: ChildProcess;
  const done = new Promise<Run>((finished) => {
    child = execFile(
      process.execPath,
      ["--import", tsx, script, ...args],
      { cwd: workdir, env: { ...process.env, TIDINGS_API: base, TIDINGS_TOKEN: EDITOR_TOKEN, ...env }, timeout: 50_000 },
      // A child killed (by the timeout) has no exit code: report it as a shell would, 128 + the signal.
      (error, stdout, stderr) => finished({ code: error ? (typeof error.code === "number" ? error.code : 128 + 9) : 0, stdout, stderr }),
    );
  });
  return { child, done };
}

const tidings = (args: string[], env: Record<string, string> = {}) => start(args, env).done;

/** Resolves once the child has printed a line matching `pattern`. */
const printed = (child: ChildProcess, pattern: RegExp) =>
  new Promise<void>((found) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) found();
    });
  });

async function createDigest(period: string): Promise<string> {
  const run = await tidings(["digest", "create", "weekly", "--period", period]);
  expect(run, run.stderr).toMatchObject({ code: 0 });
  return `weekly-${period}`;
}

/** Moves a digest straight to `status`, as a finished (or paused) send would leave it. */
async function settle(id: string, status: "sending" | "sent" | "paused", changes: Record<string, unknown> = {}) {
  const digest = await Db.Digests.get(id);
  if (!digest) throw new Error(`no digest ${id}`);
  await Db.Digests.transition(digest, ["draft", "sending", "paused"], status, changes);
}

beforeAll(async () => {
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => ready());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  workdir = await mkdtemp(join(tmpdir(), "tidings-cli-"));
  await publish({ climate: "Climate", housing: "Housing" }, [
    { id: "heat", title: "Heat records fall", topics: ["climate"] },
    { id: "rents", title: "Rents rise again", topics: ["housing"] },
  ]);
});

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  await rm(workdir, { recursive: true, force: true });
});

describe("tidings (the editor CLI)", () => {
  it("lists every command with --help", async () => {
    const run = await tidings(["--help"]);
    expect(run.code).toBe(0);
    for (const command of ["create", "list", "show", "preview", "test", "send", "watch", "cancel"]) {
      expect(run.stdout).toContain(`digest ${command}`);
    }
    expect(run.stdout).toContain("deliveries <id>");
    expect(run.stdout).toContain("TIDINGS_TOKEN");
  });

  it("creates a digest, printing its id, status and articles, and says so when it existed already", async () => {
    const first = await tidings(["digest", "create", "weekly", "--period", "2030-W12", "--subject", "The week"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Created weekly-2030-W12\s+draft\s+2 articles$/m);

    const again = await tidings(["digest", "create", "weekly", "--period", "2030-W12"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Already existed: weekly-2030-W12\s+draft\s+2 articles$/m);

    const list = await tidings(["digest", "list", "--status", "draft"]);
    expect(list.stdout).toMatch(/^weekly-2030-W12\s+draft\s+2\s+0\s+0\s+The week$/m);
    const show = await tidings(["digest", "show", "weekly-2030-W12"]);
    expect(show.stdout).toMatch(/^status\s+draft$/m);
    expect(show.stdout).toMatch(/^recipients\s+0$/m);
    expect(show.stdout).toMatch(/^sent\s+0$/m);
  });

  it("writes a preview to a file whose content is exactly the API's preview, and prints its path", async () => {
    const id = await createDigest("2030-W13");
    const [html, text, patron] = await Promise.all([
      tidings(["digest", "preview", id]),
      tidings(["digest", "preview", id, "--format", "text", "--out", "copy.txt"]),
      tidings(["digest", "preview", id, "--variant", "patron"]),
    ]);
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout.trim()).toBe(join(workdir, `${id}-free.html`));
    expect(text.stdout.trim()).toBe(join(workdir, "copy.txt"));
    expect(patron.stdout.trim()).toBe(join(workdir, `${id}-patron.html`));

    const headers = { authorization: `Bearer ${EDITOR_TOKEN}` };
    const fromApi = (query: string) => fetch(`${base}/api/digests/${id}/preview?${query}`, { headers }).then((r) => r.text());
    expect(await readFile(html.stdout.trim(), "utf8")).toBe(await fromApi("variant=free"));
    expect(await readFile(text.stdout.trim(), "utf8")).toBe(await fromApi("format=text"));
    // A patron's copy carries vote links whose tokens expire, so two renders a second apart differ there only.
    expect(await readFile(patron.stdout.trim(), "utf8")).toContain("Vote on what we cover next");
  });

  it("exports the list to the file the API's link names, or prints it, exactly the file behind the link", async () => {
    await saveSubscribers([{ name: "=formula" }, { status: "unsubscribed" }]);
    const [saved, active, printed] = await Promise.all([
      tidings(["subscribers", "export"]),
      tidings(["subscribers", "export", "--status", "active", "--out", "active.csv"]),
      tidings(["subscribers", "export", "--out", "-"]),
    ]);
    expect(saved.code, saved.stderr).toBe(0);
    const path = join(workdir, `subscribers-${new Date().toISOString().slice(0, 10)}.csv`);
    expect(saved.stdout.trim()).toMatch(new RegExp(`^\\d+ subscribers: ${path}$`));
    expect(active.stdout.trim()).toMatch(new RegExp(`^\\d+ subscribers: ${join(workdir, "active.csv")}$`));
    const all = await csvNow();
    expect(await readFile(path, "utf8")).toBe(all);
    expect(printed.stdout).toBe(all);
    expect(all).toContain("'=formula");
    expect(await readFile(join(workdir, "active.csv"), "utf8")).toBe(await csvNow("active"));
    expect((await tidings(["subscribers", "export", "--status", "gone"])).code).toBe(2);
  });

  it("sends [TEST] copies to every --to address", async () => {
    const id = await createDigest("2030-W14");
    const [ada, grace] = [uniqueEmail("ada"), uniqueEmail("grace")];
    const run = await tidings(["digest", "test", id, "--to", ada, "--to", grace]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`to ${ada}, ${grace}`);
    for (const address of [ada, grace]) {
      const mail = await mailTo(address);
      expect(mail).toHaveLength(1);
      expect(mail[0]!.subject).toContain("[TEST]");
    }
  });

  it("prints the API's error and exits non-zero: a wrong token says to set TIDINGS_TOKEN", async () => {
    const run = await tidings(["digest", "list"], { TIDINGS_TOKEN: "not-a-real-token" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("401 unauthorized: An editor token is required");
    expect(run.stderr).toContain("Set TIDINGS_TOKEN");

    const missing = await tidings(["digest", "show", "weekly-2030-W40"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/404 not_found: /);
  });

  it("refuses a mistaken command line with exit code 2 and the usage", async () => {
    const [unknown, option, missingTo] = await Promise.all([
      tidings(["digest", "publish"]),
      tidings(["digest", "list", "--to", "a@example.com"]),
      tidings(["digest", "test", "weekly-2030-W12"]),
    ]);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command: digest publish") });
    expect(option).toMatchObject({ code: 2, stderr: expect.stringContaining("digest list does not take --to") });
    expect(missingTo).toMatchObject({ code: 2, stderr: expect.stringContaining("needs --to ADDRESS") });
  });

  // These move the digest's status directly, as a send would, to see each way a watch ends; the real send is below.
  it("watches a send, one line per change when not on a terminal, until it is sent", async () => {
    const id = await createDigest("2030-W15");
    await settle(id, "sending");
    const watching = start(["digest", "watch", id]);
    await printed(watching.child, /sending/);
    await settle(id, "sent", { sentAt: new Date().toISOString() });
    const run = await watching.done;
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^${id} sending 0/0 \\(planning\\) 0\\.0/s no deliveries yet$`));
    expect(lines).toHaveLength(3);
    expect(lines.at(-1)).toMatch(new RegExp(`^${id} sent at \\S+: no deliveries yet$`));
  });

  it("stops watching a paused send and prints why", async () => {
    const id = await createDigest("2030-W16");
    await settle(id, "paused", { pauseReason: "bounce rate 6% is over 5%" });
    const run = await tidings(["digest", "watch", id]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(`${id} paused: bounce rate 6% is over 5%`);
  });

  it("will not watch a draft", async () => {
    const id = await createDigest("2030-W17");
    const run = await tidings(["digest", "watch", id]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("is a draft");
  });
});

/** Deliveries of a digest as planning and sending leave them, written directly. */
async function deliveries(digestId: string, spec: Array<[number, Partial<Delivery> & Pick<Delivery, "status">]>) {
  const at = new Date().toISOString();
  const records = spec.flatMap(([count, fields]) =>
    Array.from({ length: count }, (): Delivery => {
      const subscriberId = `sub_${randomUUID().slice(0, 12)}`;
      const email = `${subscriberId}@example.com`;
      return { digestId, subscriberId, email, variant: "free", attempts: 1, createdAt: at, updatedAt: at, ...fields };
    }),
  );
  await planDeliveries(records);
}

describe("tidings on a send", () => {
  it("starts a send (again: the same), then cancels it", async () => {
    const id = await createDigest("2030-W20");
    const send = await tidings(["digest", "send", id]);
    expect(send.code, send.stderr).toBe(0);
    expect(send.stdout.trim()).toBe(`${id} sending`);
    expect((await tidings(["digest", "send", id])).stdout.trim()).toBe(`${id} sending`);

    const cancel = await tidings(["digest", "cancel", id]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toMatch(new RegExp(`^${id} cancelled$`, "m"));
    expect((await tidings(["digest", "send", id])).stderr).toContain("409 conflict: This digest was cancelled");
  });

  it("shows live counts and lists deliveries a page at a time, or all, or of one status", async () => {
    const id = await createDigest("2030-W21");
    await settle(id, "sending");
    await deliveries(id, [
      [100, { status: "sent", messageId: "ses-message-1" }],
      [3, { status: "skipped", reason: "paused" }],
      [2, { status: "failed", error: "Message rejected: address blacklisted" }],
    ]);

    const show = await tidings(["digest", "show", id]);
    for (const [status, count] of [["recipients", 105], ["sent", 100], ["skipped", 3], ["failed", 2], ["queued", 0]] as const) {
      expect(show.stdout).toMatch(new RegExp(`^${status}\\s+${count}$`, "m"));
    }

    const [page, all, failed] = await Promise.all([
      tidings(["deliveries", id]),
      tidings(["deliveries", id, "--all"]),
      tidings(["deliveries", id, "--status", "failed"]),
    ]);
    const rows = (run: Run) => run.stdout.trim().split("\n").slice(1);
    expect(rows(page)).toHaveLength(100);
    expect(page.stderr).toMatch(/^more: add --all, or --cursor \S+$/m);
    expect(rows(all)).toHaveLength(105);
    expect(all.stderr).toBe("");
    expect(rows(all)).toContainEqual(expect.stringMatching(/@example\.com\s+sent\s+ses-message-1$/));
    expect(rows(all)).toContainEqual(expect.stringMatching(/@example\.com\s+skipped\s+paused$/));
    expect(rows(failed)).toEqual([
      expect.stringMatching(/@example\.com\s+failed\s+Message rejected: address blacklisted$/),
      expect.stringMatching(/@example\.com\s+failed\s+Message rejected: address blacklisted$/),
    ]);
  });

  // Last: the worker it starts would otherwise also send the digests the tests above leave queued or sending.
  it("sends a digest end to end with --watch, through the local send worker, until it is sent", { timeout: 60_000 }, async () => {
    // Daily: the weekly digests above, one of them marked sent, leave nothing new for another weekly one.
    const readers = await saveSubscribers(Array.from({ length: 12 }, () => ({ topics: [], frequency: "daily" as const })));
    const resting = await saveSubscribers([{ topics: [], frequency: "daily", pausedUntil: "2999-01-01" }]);
    const id = "daily-2030-01-22";
    const created = await tidings(["digest", "create", "daily", "--period", "2030-01-22"]);
    expect(created.stdout).toContain(`Created ${id}  draft  2 articles`);
    const worker = startLocalWorker({ recoverEveryMs: 60 * 60_000 });
    try {
      const run = await tidings(["digest", "send", id, "--watch"]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const lines = run.stdout.trim().split("\n");
      expect(lines[0]).toBe(`${id} sending`);
      expect(lines.at(-1)).toMatch(new RegExp(`^${id} sent at \\S+: sent 12 · skipped 1$`));
      const finalProgress = new RegExp(`^${id} sent 13/13 \\(100%\\) \\d+\\.\\d/s sent 12 · skipped 1$`);
      expect(lines).toContainEqual(expect.stringMatching(finalProgress));
    } finally {
      await worker.stop();
    }
    for (const reader of readers) expect(await mailTo(reader.email), reader.email).toHaveLength(1);
    expect(await mailTo(resting[0]!.email)).toHaveLength(0);
  });
});
