/**
 * Fuzzing every operation of `/openapi.json` (and every method on every path) with hostile input, in process
 * against the real local stack, with fast-check. For every request:
 * - no 5xx, and no unhandled rejection or exception anywhere in the process;
 * - a refused request (4xx), and any GET, HEAD or OPTIONS, changes nothing stored: the process's DynamoDB client
 *   must make no accepted write while answering it (rate-limit counters aside: counting refused requests is their
 *   job), and every few cases a scan of the whole table must equal the previous scan, unless an unsafe request
 *   succeeded in between (a legitimate change, which starts a new baseline);
 * - a JSON error answer has the `{error: {code, message}}` shape and no stack trace.
 * Afterwards every email the run produced (sign-up confirmations, sign-in links, test copies, as SES received
 * them and as the SES emulator stored them) is checked for CR, LF or NUL in its headers.
 * `npm test`: a few dozen cases per operation; `npm run test:long`: 10,000. Both print their figures.
 */
import fc from "fast-check";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import * as SignIn from "../../core/signin";
import * as Tokens from "../../core/tokens";
import { drain } from "../../scripts/local-worker";
import { publish, editor, EDITOR_TOKEN } from "../helpers/editor";
import { createDigest, saveSubscriber, signedIn } from "../helpers/factories";
import { randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { startSesProxy, type SesProxy } from "../helpers/ses-proxy";
import { useFakeStripe } from "../helpers/stripe";
import { badAddress, fuzzRequest, type FuzzRequest, type World } from "./fuzz-inputs";
import { byRun, LONG } from "./scale";
import {
  changes,
  headerProblems,
  METHODS,
  operations,
  snapshot,
  UNDOCUMENTED,
  watchWrites,
  type Operation,
  type Snapshot,
} from "./surface";

useLocalStack();
useFakeStripe();

const CASES_PER_OPERATION = byRun(30, 10_000);
const SEED = 20_261_130;
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Names that must be refused or, if taken, reach a header only encoded. */
const HOSTILE_NAMES = [
  "Eve\r\nBcc: victim@evil.example",
  "Eve\nBcc: victim@evil.example",
  "Eve\u0000",
  "Eve\u2028Bcc: x@evil.example",
  "Eve\u0085Bcc: x@evil.example",
  "=?UTF-8?B?RXZlDQpCY2M6IHhAZXZpbC5leGFtcGxl?=",
  "Eve <eve@evil.example>, Bob",
  '"Eve" <eve@evil.example>',
  "Ada Lovelace",
  "Zoë Ñúñez-Ærøskøbing",
  "李小龍",
  "\u202eevE",
];

const unhandled: unknown[] = [];
const onUnhandled = (error: unknown) => unhandled.push(error);
let world: World;
let proxy: SesProxy;
let startedAt: number;
let namesDigestId: string;

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  startedAt = Date.now();
  proxy = await startSesProxy(); // every raw email the app sends passes here on its way to the emulator
  await publish({}, []);
  expect((await editor("PUT", "/api/topics/fuzz-topic", { title: "Fuzz", status: "open" })).status).toBeLessThan(300);
  await publish({}, [{ id: "fuzz-article", title: "An article", topics: ["fuzz-topic"] }]);
  const { id: digestId } = await createDigest({ subject: "Fuzz weekly" });
  // A digest the fuzz never learns the id of, for the names test to send.
  namesDigestId = (await createDigest({ frequency: "daily", subject: "Fuzz daily" })).id;
  const tierId = ((await (await request("/api/tiers")).json()) as { tiers: Array<{ id: string }> }).tiers[0]!.id;

  const patron = await saveSubscriber({ email: uniqueEmail("fuzz-patron"), topics: ["fuzz-topic"] });
  const comp = await editor("POST", "/api/patrons/comp", { email: patron.email, tier: tierId, until: "2030-01-01" });
  expect(comp.status).toBe(200);
  const { cookie, header } = await signedIn(patron.id);
  const pending = await saveSubscriber({ email: uniqueEmail("fuzz-pending"), status: "pending" });
  world = {
    editorToken: EDITOR_TOKEN,
    sessionCookie: header,
    ownOrigin: new URL(process.env.PUBLIC_URL!).origin,
    tokens: [
      Tokens.sign("confirm", `${pending.id}~${pending.optIn!.id}`),
      Tokens.sign("manage", patron.id),
      Tokens.sign("unsubscribe", patron.id),
      Tokens.sign("vote", `${patron.id}~fuzz-topic`),
      SignIn.linkToken(patron.id),
      cookie,
      Tokens.sign("manage", pending.id, new Date(Date.now() - 400 * 86_400_000)),
    ],
    topicId: "fuzz-topic",
    articleId: "fuzz-article",
    digestId,
    tierId,
    knownEmails: [patron.email, pending.email],
  };
});

afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  await proxy?.stop();
});

/** Sends one request in process, as from a random client address; answers its status and body. */
async function send(req: FuzzRequest) {
  const response = await app.request(
    req.path,
    { method: req.method, headers: req.headers, body: req.body as RequestInit["body"] },
    { incoming: { socket: { remoteAddress: randomIp() } } },
  );
  return { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() };
}

interface Figures {
  cases: number;
  byStatus: Map<number, number>;
  legitimateChanges: number;
  scans: number;
}

/** The checks on one answer: no 5xx, an error in the contract's shape, nothing of our internals. */
function checkAnswer(req: FuzzRequest, answer: Awaited<ReturnType<typeof send>>) {
  expect(answer.status, `${req.label}\n→ ${answer.body.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.body, req.label).not.toMatch(/\bat [\w.<>]+ \(.*\.[jt]sx?:\d+|ZodError|DynamoDB|ValidationException/);
  if (answer.status >= 400 && answer.type.includes("application/json") && req.method !== "HEAD") {
    expect(JSON.parse(answer.body), req.label).toMatchObject({
      error: { code: expect.any(String), message: expect.any(String) },
    });
  }
}

/** Cases between scans of the whole table (each scan confirms what the write watch saw). */
const SCAN_EVERY = byRun(10, 250);

/**
 * Fuzzes one operation; answers its figures. Throws fast-check's report (seed, shrunk case) on the first failure.
 * A refused request must make no accepted write (the write watch, per request); every SCAN_EVERY cases the
 * table itself must equal its last scan unless an unsafe request succeeded since (then the scan is the new
 * baseline). A GET, HEAD or OPTIONS never writes, whatever its answer.
 */
async function fuzz(op: Operation, seed: number): Promise<Figures> {
  const figures: Figures = { cases: 0, byStatus: new Map(), legitimateChanges: 0, scans: 0 };
  const writes = watchWrites();
  writes.take();
  let baseline: Snapshot = await snapshot();
  let succeeded = false;
  const rescan = async (label: string) => {
    const after = await snapshot();
    figures.scans++;
    const changed = changes(baseline, after);
    const legitimate = succeeded;
    baseline = after;
    succeeded = false;
    if (!legitimate) expect(changed, `the table changed with no request succeeding, by ${label}`).toEqual([]);
  };
  await fc.assert(
    fc.asyncProperty(fuzzRequest(op, world), async (req) => {
      const answer = await send(req);
      const written = writes.take();
      figures.cases++;
      figures.byStatus.set(answer.status, (figures.byStatus.get(answer.status) ?? 0) + 1);
      checkAnswer(req, answer);
      const refused = answer.status >= 400;
      if (!refused && !SAFE.has(req.method)) {
        succeeded = true;
        if (written.length > 0) figures.legitimateChanges++;
      } else {
        expect(written, `${req.label}\n→ ${answer.status} ${answer.body.slice(0, 200)}`).toEqual([]);
      }
      if (figures.cases % SCAN_EVERY === 0) await rescan(`the last ${SCAN_EVERY} cases, up to ${req.label}`);
    }),
    { numRuns: CASES_PER_OPERATION, seed, endOnFailure: !LONG },
  );
  await rescan(`${op.method} ${op.path}'s last cases`);
  return figures;
}

describe("fuzzing the HTTP surface", () => {
  it("answers every operation's hostile input with a 4xx (never a 5xx), changing nothing when it refuses", async () => {
    const all = await operations();
    expect(all.length).toBeGreaterThan(30);
    // TIDINGS_FUZZ_ONLY="POST /api/subscribe" replays one operation (with its seed) after a failure.
    const only = process.env.TIDINGS_FUZZ_ONLY;
    const ops = all.filter((op) => !only || `${op.method} ${op.path}` === only);
    const failures: string[] = [];
    const rows: string[] = [];
    let total = 0;
    for (const op of ops) {
      const i = all.indexOf(op);
      try {
        const figures = await fuzz(op, SEED + i);
        total += figures.cases;
        const statuses = [...figures.byStatus]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(" ");
        const row = `  ${`${op.method} ${op.path}`.padEnd(42)} ${String(figures.cases).padStart(6)} cases  ${statuses}  (${figures.legitimateChanges} accepted writes, ${figures.scans} scans)`;
        rows.push(row);
        if (LONG) console.log(`fuzz ${i + 1}/${all.length}:${row}`); // a long run shows its progress
      } catch (error) {
        const cause = (error as Error).cause as Error | undefined;
        failures.push(
          `${op.method} ${op.path}: ${(error as Error).message}${cause ? `\nCaused by: ${cause.message}` : ""}`,
        );
      }
    }
    console.log(
      `fuzz: ${ops.length} operations, ${CASES_PER_OPERATION} cases per operation, ${total} requests in all\n${rows.join("\n")}`,
    );
    expect(failures).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it("answers every method on every path (documented or not) without a 5xx", async () => {
    const paths = [...new Set((await operations()).map((op) => op.path)), ...UNDOCUMENTED];
    const before = await snapshot();
    let sent = 0;
    for (const path of paths) {
      const concrete = path.replace(/\{[^}]+\}/g, "%00..%2f");
      for (const method of [...METHODS, "PROPFIND", "X-UNKNOWN"]) {
        const credentials = {
          authorization: `Bearer ${world.editorToken}`,
          cookie: world.sessionCookie,
          origin: world.ownOrigin,
        };
        for (const headers of [{}, credentials] as Array<Record<string, string>>) {
          const req = { method, path: concrete, headers, label: `${method} ${concrete}` };
          checkAnswer(req, await send(req));
          sent++;
        }
      }
    }
    console.log(`fuzz: every method on ${paths.length} paths, ${sent} requests`);
    expect(changes(before, await snapshot())).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it("refuses look-alike, IDN, injected and overlong addresses with 400 wherever an address is taken", async () => {
    const editorAuth = { authorization: `Bearer ${world.editorToken}` };
    const json =
      (path: string, body: (email: string) => unknown, headers: Record<string, string> = {}) =>
      (email: string) => ({
        method: "POST",
        path,
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body(email)),
      });
    const form = (path: string, fields: (email: string) => Record<string, string>) => (email: string) => ({
      method: "POST",
      path,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields(email)).toString(),
    });
    const routes = {
      "POST /api/subscribe (JSON)": json("/api/subscribe", (email) => ({ email })),
      "POST /api/subscribe (form)": form("/api/subscribe", (email) => ({ email })),
      "POST /api/login": json("/api/login", (email) => ({ email })),
      "POST /api/membership/checkout": json("/api/membership/checkout", (email) => ({ tier: world.tierId, email })),
      "POST /join": form("/join", (email) => ({ tier: world.tierId, email })),
      "POST /api/contributions/checkout": json("/api/contributions/checkout", (email) => ({ amount: 1000, email })),
      "POST /support": form("/support", (email) => ({ amount: "1000", email })),
      "POST /api/patrons/comp": json(
        "/api/patrons/comp",
        (email) => ({ email, tier: world.tierId, until: "2030-01-01" }),
        editorAuth,
      ),
      "POST /api/digests/{id}/test": json(
        `/api/digests/${world.digestId}/test`,
        (email) => ({ to: [email] }),
        editorAuth,
      ),
      "GET /api/digests/{id}/preview": (email: string) => ({
        method: "GET",
        path: `/api/digests/${world.digestId}/preview?email=${encodeURIComponent(email)}`,
        headers: editorAuth,
        body: undefined,
      }),
    };
    await drain({ workers: 1 }); // what earlier tests queued
    const calls = proxy.counts.calls;
    for (const [name, make] of Object.entries(routes)) {
      await fc.assert(
        fc.asyncProperty(badAddress, async (email) => {
          const before = await snapshot();
          const req = { ...make(email), label: `${name} ${JSON.stringify(email)}` };
          const answer = await send(req);
          expect(answer.status, `${req.label} → ${answer.body.slice(0, 200)}`).toBe(400);
          expect(changes(before, await snapshot()), req.label).toEqual([]);
        }),
        // Always among the cases: the two the fuzz first found accepted (a local part over 64, a label over 63).
        {
          numRuns: byRun(25, 500),
          seed: SEED,
          examples: [[`${"l".repeat(65)}@example.com`], [`user@${"d".repeat(64)}.example.com`]],
        },
      );
    }
    await drain({ workers: 1 });
    expect(proxy.counts.calls, "an email went to a refused address").toBe(calls);
  });

  it("takes a hostile name only if it is safe, and a digest carries accepted names into its To header encoded", async () => {
    // Names as readers could type them into the preferences page: the refused ones must change nothing; the
    // accepted ones go out in the digest's To header (checked with every other email in the next test).
    const names = fc.sample(fc.oneof(fc.string({ unit: "binary", maxLength: 30 }), fc.constantFrom(...HOSTILE_NAMES)), {
      numRuns: byRun(20, 300),
      seed: SEED,
    });
    const accepted: string[] = [];
    for (const name of names) {
      const reader = await saveSubscriber({ email: uniqueEmail("fuzz-name") });
      const before = await snapshot();
      const req = {
        method: "POST",
        path: "/preferences",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: Tokens.sign("manage", reader.id), name, frequency: "daily" }).toString(),
        label: `name ${JSON.stringify(name)}`,
      };
      const answer = await send(req);
      checkAnswer(req, answer);
      if (answer.status === 200) accepted.push(reader.email);
      else expect(changes(before, await snapshot()), req.label).toEqual([]);
    }
    // The hostile cases may have deleted the fuzz's article (DELETE /api/articles/{id} is fuzzed too, and its cases
    // move with the operations before it): published again, the digest has something to carry the names.
    await publish({}, [{ id: "fuzz-article", title: "An article", topics: ["fuzz-topic"] }]);
    const sending = await editor("POST", `/api/digests/${namesDigestId}/send`);
    expect(sending.status).toBe(202);
    await drain({ workers: 1 });
    let delivered = 0;
    for (const email of accepted) delivered += (await mailTo(email)).length;
    console.log(`fuzz: ${names.length} hostile names, ${accepted.length} accepted, ${delivered} digests sent to them`);
    expect(delivered).toBe(accepted.length);
    expect(delivered).toBeGreaterThan(0);
  });

  it("puts no CR, LF or NUL into a header of any email the run produced", async () => {
    await drain({ workers: 1 }); // sign-in links are emailed by the send worker
    const raws = proxy.calls.map((call) => call.raw);
    expect(raws.length, "the fuzz produced no email to check").toBeGreaterThan(0);
    const problems: string[] = [];
    for (const raw of raws) problems.push(...(await headerProblems(raw)));

    // The same messages as the SES emulator stored them.
    const { emails } = (await (await fetch(`${proxy.target}/store?since=${Math.floor(startedAt / 1000)}`)).json()) as {
      emails: Array<{ messageId: string; destination: { to: string[] } }>;
    };
    const ours = new Set<string>();
    for (const raw of raws) {
      const to = (await simpleParser(raw)).to;
      for (const group of [to ?? []].flat())
        for (const { address } of group.value) if (address) ours.add(address.toLowerCase());
    }
    const stored = emails.filter((email) =>
      email.destination.to.some((to) => [...ours].some((address) => to.toLowerCase().includes(address))),
    );
    for (const email of stored) {
      const eml = Buffer.from(
        await (await fetch(`${proxy.target}/get-emlContent?messageId=${email.messageId}`)).arrayBuffer(),
      );
      problems.push(...(await headerProblems(eml)).map((p) => `stored ${email.messageId}: ${p}`));
    }
    expect(stored.length, "the SES emulator's copies of the run's emails").toBeGreaterThanOrEqual(raws.length);
    console.log(
      `fuzz: ${raws.length} emails sent and ${stored.length} stored by the SES emulator, checked for header injection`,
    );
    expect(problems).toEqual([]);
  });
});
