/**
 * The authorisation matrix, over every route the app serves (read from `/openapi.json` and the router, so a new
 * route is covered, or fails this file until someone says who may call it):
 * - editor routes (OpenAPI `security: editorToken`): no token, a wrong one, a rotated-out one, a subscriber's
 *   session or a link token in its place → 401 `unauthorized` with `WWW-Authenticate`; a token of each scope below
 *   the route's (`EDITOR_SCOPE`, which its security mark and its guard must both name) → 403 `forbidden`;
 * - session routes (`requireSession`): no cookie, a forged one, another person's session id under one's own
 *   name, a signed-out, expired, other-purpose or unknown-secret cookie → 401 on `/api`, a 303 to `/login` on
 *   pages; a cookie sent from another site → 403;
 * - link-token routes: a token of every other purpose, an expired one, a forged one, one signed by a secret
 *   that is not (or no longer) configured → 400 saying the link is not valid;
 * and none of it changes anything stored (the write watch per request, a table scan around the lot). Positive
 * controls prove each refusal is the guard's: the same request with the right credential gets through.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import { SIGN_IN_PAGE } from "../../functions/api/session";
import * as Config from "../../core/config";
import * as SignIn from "../../core/signin";
import * as Editors from "../../core/editors";
import { randomUUID } from "node:crypto";
import * as Tokens from "../../core/tokens";
import * as Db from "../../core/db";
import * as EmailChangeMail from "../../core/patrons/email-change-mail";
import { editor, EDITOR_TOKEN, EDITOR_TOKENS_BY_SCOPE, publish } from "../helpers/editor";
import { createDigest, saveSubscriber, signedIn } from "../helpers/factories";
import { randomIp } from "../helpers/http";
import { TEST_EDITORS, testSettings, useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { useFakeStripe } from "../helpers/stripe";
import { changes, operations, snapshot, watchWrites, type Operation } from "./surface";

useLocalStack();
useFakeStripe();

/** Routes anyone may call. Every other route must be guarded below, or this file fails. */
const PUBLIC = new Set([
  "GET /healthz",
  "GET /",
  "GET /api/topics",
  "GET /api/topics/{id}/funding",
  "GET /topics",
  "GET /api/tiers",
  "POST /api/subscribe",
  "POST /api/login",
  "POST /logout", // ends the session it is sent with, if any (Origin-checked)
  "GET /join",
  "GET /join/sent",
  "POST /join",
  "POST /api/membership/checkout", // with a session or an email
  "POST /api/contributions/checkout", // anyone may give, signed in or not
  "GET /support",
  "POST /support",
  "GET /support/thanks",
  "POST /api/gifts/checkout", // anyone may buy a gift, signed in or not
  "POST /gift/checkout",
  "POST /webhooks/stripe", // signed by Stripe: tests/integration/stripe-webhooks.test.ts and the fuzz
  "GET /preview-link", // where a preview's links lead: a page saying so, acting on nobody
  "POST /api/editor/login", // the same 202 for every address; a link only to addresses in EDITORS
  "GET /editor/login",
  "POST /editor/login",
  "POST /editor/logout", // ends the editor's session it is sent with, if any (Origin-checked)
]);

/**
 * The scope each editor route needs (`read` < `send` < `admin`): reading the newsroom's own data needs `read`;
 * publishing, preparing and sending digests (previews and deliveries name readers, so they are `send` work)
 * need `send`; anything over subscribers' personal data in bulk or patrons' memberships needs `admin`.
 */
const EDITOR_SCOPE: Record<string, Config.EditorScope> = {
  "GET /api/articles": "read",
  "GET /api/articles/{id}": "read",
  "GET /api/digests": "read",
  "GET /api/digests/{id}": "read",
  "GET /api/topics/{id}/votes": "read",
  "GET /api/stats": "read",
  "GET /api/stats/history": "read",
  "GET /api/stats/cancellations": "read",
  "GET /api/stats/sources": "read",
  "GET /api/contributions": "read",
  "GET /api/gifts": "read",
  "PUT /api/articles/{id}": "send",
  "DELETE /api/articles/{id}": "send",
  "PUT /api/topics/{id}": "send",
  "POST /api/digests": "send",
  "GET /api/digests/{id}/preview": "send",
  "POST /api/digests/{id}/test": "send",
  "POST /api/digests/{id}/send": "send",
  "POST /api/digests/{id}/cancel": "send",
  "GET /api/digests/{id}/deliveries": "send",
  "GET /api/subscribers": "admin",
  "GET /api/subscribers/{email}": "admin",
  "GET /api/subscribers/export": "admin",
  "POST /api/subscribers/import": "admin",
  "POST /api/patrons/comp": "admin",
};
const SCOPES = Config.editorScopes;
const below = (needed: Config.EditorScope) => SCOPES.filter((scope) => !Config.allows(scope, needed));
const atOrAbove = (needed: Config.EditorScope) => SCOPES.filter((scope) => Config.allows(scope, needed));

/** Routes that act on a link token, and the one purpose each accepts. */
const TOKEN_PURPOSE: Record<string, Tokens.Purpose> = {
  "GET /confirm": "confirm",
  "POST /confirm": "confirm",
  "GET /unsubscribe": "unsubscribe",
  "POST /unsubscribe": "unsubscribe",
  "POST /resubscribe": "unsubscribe",
  "GET /preferences": "manage",
  "POST /preferences": "manage",
  "GET /login": "signin",
  "POST /login": "signin",
  "GET /vote": "vote",
  "POST /vote": "vote",
  "GET /email-change": "email-change",
  "POST /email-change": "email-change",
  "GET /gift": "gift",
  "POST /gift": "gift",
  "GET /editor/signin": "editor-signin",
  "POST /editor/signin": "editor-signin",
  "GET /billing/update": "billing-update",
};

/** The dashboard's editors (`EDITORS`), by the key their links and sessions name them with. */
const ADMIN_KEY = Editors.editorKey(TEST_EDITORS.admin);
const WRITER_KEY = Editors.editorKey(TEST_EDITORS.editor);
const editorLink = () => Tokens.sign("editor-signin", `${ADMIN_KEY}~${randomUUID()}`);
const editorCookieHeader = (value: string) => ({ cookie: `tidings_editor=${value}`, origin: ownOrigin });
const isDashboard = (op: Operation) => op.guards.has("editor-session") || op.guards.has("editor-admin");

const PURPOSES = Object.keys(Tokens.lifetimes) as Tokens.Purpose[];
const DAY = 86_400_000;
const UNKNOWN_SECRET = "a-secret-this-deployment-never-had-0123456789";

const key = (op: Operation) => `${op.method} ${op.path}`;
/** Routes whose positive control ends the caller's sessions: each runs last, for a reader of its own. */
const endsSessions = (op: Operation) =>
  op.path.includes("delete") || ["POST /logout/everywhere", "POST /email-change"].includes(key(op));

/** A change of address waiting for the subscriber to confirm it (as `customer.updated` records one): its link's token. */
async function addressChangeToken(subscriberId: string): Promise<string> {
  const change = {
    subscriberId,
    email: uniqueEmail("moved"),
    nonce: EmailChangeMail.newNonce(),
    customerId: "cus_authz",
    requestedAt: new Date().toISOString(),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
  await Db.EmailChanges.propose(change, await Db.EmailChanges.get(subscriberId));
  return EmailChangeMail.confirmToken(change);
}
/** A gift delivered to `email` (its redeem link's subject): the gift routes' positive control. */
async function deliveredGift(email: string): Promise<string> {
  const at = new Date().toISOString();
  const id = `cs_authz_gift_${Math.random().toString(36).slice(2)}`;
  await Db.Gifts.record({ id, tierId: "coffee", months: 1, recipientEmail: email, deliverOn: at.slice(0, 10), amount: 500, currency: "eur", status: "delivered", createdAt: at, updatedAt: at, version: 1 });
  return id;
}
const takesToken = (op: Operation) =>
  op.params.some((p) => p.name === "token") || "token" in (op.bodySchema?.properties ?? {});

let ops: Operation[];
let alice: { id: string; email: string; cookie: string; sessionId: string };
let bob: { id: string; email: string; cookie: string; sessionId: string };
let ended: { id: string; cookie: string };
let digestId: string;
let ownOrigin: string;
/** Editors' sessions: the admin's, an editor's (not an admin), and one signed out. */
let dashboard: { adminSession: string; writerSession: string; endedEditor: string };

/** Runs `fn` with these signing secrets configured, then puts the test's own back. */
function withSecrets<T>(current: string, previous: string | undefined, fn: () => T): T {
  const saved = { current: process.env.SIGNING_SECRET, previous: process.env.SIGNING_SECRET_PREVIOUS };
  const set = (c?: string, p?: string) => {
    process.env.SIGNING_SECRET = c;
    if (p === undefined) delete process.env.SIGNING_SECRET_PREVIOUS;
    else process.env.SIGNING_SECRET_PREVIOUS = p;
    Config.reset();
  };
  set(current, previous);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    set(saved.current, saved.previous);
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => set(saved.current, saved.previous)) as T;
  set(saved.current, saved.previous);
  return result;
}

beforeAll(async () => {
  ownOrigin = new URL(process.env.PUBLIC_URL!).origin;
  ops = await operations();
  await publish({}, []);
  expect((await editor("PUT", "/api/topics/authz-topic", { title: "Authz", status: "open" })).status).toBeLessThan(300);
  await publish({}, [{ id: "authz-article", title: "An article", topics: ["authz-topic"] }]);
  digestId = (await createDigest()).id;
  alice = await signedIn({ email: uniqueEmail("alice") });
  bob = await signedIn({ email: uniqueEmail("bob") });
  ended = await signedIn({ email: uniqueEmail("signed-out") });
  await SignIn.Sessions.end(ended.cookie);
  dashboard = {
    adminSession: (await Editors.Sessions.startSession(ADMIN_KEY)).cookie,
    writerSession: (await Editors.Sessions.startSession(WRITER_KEY)).cookie,
    endedEditor: (await Editors.Sessions.startSession(ADMIN_KEY)).cookie,
  };
  await Editors.Sessions.end(dashboard.endedEditor);
  const tier = ((await (await app.request("/api/tiers")).json()) as { tiers: Array<{ id: string }> }).tiers[0]!.id;
  for (const who of [alice, bob]) {
    expect((await editor("POST", "/api/patrons/comp", { email: who.email, tier, until: "2030-01-01" })).status).toBe(
      200,
    );
  }
});

/** A request to `op` that its guard alone should decide: path parameters that exist, a body that is valid. */
function requestFor(op: Operation, headers: Record<string, string>, token?: string): Request {
  const path = op.path
    .replace("{email}", encodeURIComponent(alice.email))
    .replace(/^\/api\/digests\/\{id\}/, `/api/digests/${digestId}`)
    .replace(/^\/api\/articles\/\{id\}/, "/api/articles/authz-article")
    .replace(/\{id\}/, "authz-topic");
  const url = new URL(path, "http://localhost");
  const form = new URLSearchParams();
  if (token !== undefined) {
    if (op.method === "GET") url.searchParams.set("token", token);
    else form.set("token", token);
  }
  if (op.path === "/preferences" && op.method === "POST") form.set("frequency", "weekly");
  const json = EXAMPLE_BODIES[key(op)];
  let body: string | undefined;
  const all: Record<string, string> = { ...headers };
  if (json !== undefined) {
    body = JSON.stringify(json);
    all["content-type"] = "application/json";
  } else if (op.bodyTypes.includes("application/x-www-form-urlencoded")) {
    body = form.toString();
    all["content-type"] = "application/x-www-form-urlencoded";
  } else if (op.bodyTypes.includes("text/csv")) {
    body = "email,name\nimported@example.com,Imported\n";
    all["content-type"] = "text/csv";
  } else if (op.bodyTypes.includes("application/json")) {
    body = "{}";
    all["content-type"] = "application/json";
  }
  return new Request(url, { method: op.method, headers: all, body });
}

/** Bodies that the route would accept, so that only its guard can refuse them. */
const EXAMPLE_BODIES: Record<string, unknown> = {
  "PUT /api/topics/{id}": { title: "Renamed by an intruder", status: "closed" },
  "POST /api/topics/proposals": { title: "A proposal", description: "From an intruder" },
  "PUT /api/articles/{id}": {
    title: "Changed",
    url: "https://evil.example/x",
    topics: ["authz-topic"],
    publishedAt: new Date().toISOString(),
  },
  "POST /api/digests": { frequency: "daily" },
  "POST /api/digests/{id}/test": { to: ["intruder@example.com"] },
  "POST /api/patrons/comp": { email: "intruder@example.com", tier: "coffee", until: "2030-01-01" },
};

const send = (req: Request) => app.request(req, undefined, { incoming: { socket: { remoteAddress: randomIp() } } });

describe("the authorisation matrix", () => {
  it("knows every route: each is public, an editor route, a session route or a link-token route", () => {
    const unclassified = ops.filter(
      (op) =>
        !PUBLIC.has(key(op)) &&
        !op.guards.has("editor") &&
        !op.guards.has("session") &&
        !isDashboard(op) &&
        !(key(op) in TOKEN_PURPOSE),
    );
    expect(unclassified.map(key), "say who may call these: add them to PUBLIC or guard them").toEqual([]);
    const tokenRoutes = ops.filter(takesToken).map(key);
    expect(
      tokenRoutes.filter((route) => !(route in TOKEN_PURPOSE)),
      "link-token routes without a purpose here",
    ).toEqual([]);
    expect(ops.filter((op) => op.guards.has("editor")).length).toBeGreaterThan(10);
    const editorRoutes = ops.filter((op) => op.guards.has("editor"));
    expect(
      editorRoutes.filter((op) => !(key(op) in EDITOR_SCOPE)).map(key),
      "editor routes without a scope here: say which scope they need",
    ).toEqual([]);
    const scopes = editorRoutes.map((op) => `${key(op)}: ${op.editorScope?.documented} ${op.editorScope?.registered}`);
    const expected = editorRoutes.map((op) => `${key(op)}: ${EDITOR_SCOPE[key(op)]} ${EDITOR_SCOPE[key(op)]}`);
    expect(scopes, "each route's OpenAPI mark and guard name the scope it needs").toEqual(expected);
    expect(ops.filter((op) => op.guards.has("session")).length).toBeGreaterThan(5);
  });

  it("refuses every guarded route every wrong credential, and nothing changes", async () => {
    const writes = watchWrites();
    const before = await snapshot();
    writes.take();
    const refusals: string[] = [];
    let cases = 0;
    const expectRefused = async (
      op: Operation,
      what: string,
      req: Request,
      check: (response: Response, text: string) => void,
    ) => {
      const response = await send(req);
      const text = await response.text();
      cases++;
      try {
        check(response, text);
        expect(writes.take(), "accepted writes").toEqual([]);
      } catch (error) {
        refusals.push(
          `${key(op)} with ${what}: ${response.status} ${text.slice(0, 160)} — ${(error as Error).message.split("\n")[0]}`,
        );
      }
    };

    // Editor routes.
    const linkToken = Tokens.sign("manage", alice.id);
    const wrongEditor: Record<string, Record<string, string>> = {
      "no Authorization": {},
      "a wrong token": { authorization: "Bearer not-the-editor-token-0123456789" },
      "the token with a character changed": { authorization: `Bearer ${EDITOR_TOKEN.slice(0, -1)}X` },
      "the token as Basic": { authorization: `Basic ${Buffer.from(`editor:${EDITOR_TOKEN}`).toString("base64")}` },
      "a subscriber's session cookie": { cookie: `${SignIn.COOKIE}=${alice.cookie}`, origin: ownOrigin },
      "a link token as bearer": { authorization: `Bearer ${linkToken}` },
      "the editor name as token": { authorization: "Bearer editor" },
    };
    const editorRoutes = ops.filter((op) => op.guards.has("editor"));
    let scopeRefusals = 0;
    for (const op of editorRoutes) {
      for (const [what, headers] of Object.entries(wrongEditor)) {
        await expectRefused(op, what, requestFor(op, headers), (response, text) => {
          expect(response.status).toBe(401);
          expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
          expect(JSON.parse(text)).toMatchObject({ error: { code: "unauthorized" } });
        });
      }
      // A right token of too narrow a scope.
      for (const scope of below(EDITOR_SCOPE[key(op)]!)) {
        scopeRefusals++;
        const headers = { authorization: `Bearer ${EDITOR_TOKENS_BY_SCOPE[scope]}` };
        await expectRefused(op, `a ${scope} token`, requestFor(op, headers), (response, text) => {
          expect(response.status).toBe(403);
          expect(JSON.parse(text)).toMatchObject({ error: { code: "forbidden" } });
        });
      }
    }
    expect(scopeRefusals, "every scope below admin is refused somewhere").toBeGreaterThan(editorRoutes.length / 2);

    // Session routes.
    const cookie = (value: string) => ({ cookie: `${SignIn.COOKIE}=${value}`, origin: ownOrigin });
    const [purpose, subject, expiry, keyId, signature] = alice.cookie.split(".") as [string, string, string, string, string];
    const wrongSession: Record<string, Record<string, string>> = {
      "no cookie": {},
      "a forged cookie": cookie("session.sub_x~ses_x.0.AAAAAAAAAAAAAAAAAAAAAA"),
      "Alice's cookie naming Bob": cookie(`${purpose}.${subject.replace(alice.id, bob.id)}.${expiry}.${keyId}.${signature}`),
      "a signed cookie joining Bob's id to Alice's session": cookie(
        Tokens.sign("session", `${bob.id}~${alice.sessionId}`),
      ),
      "a signed-out session": cookie(ended.cookie),
      "an expired session": cookie(
        Tokens.sign("session", `${alice.id}~${alice.sessionId}`, new Date(Date.now() - 31 * DAY)),
      ),
      "a session signed by an unknown secret": cookie(
        withSecrets(UNKNOWN_SECRET, undefined, () => Tokens.sign("session", `${alice.id}~${alice.sessionId}`)),
      ),
      ...Object.fromEntries(
        PURPOSES.filter((p) => p !== "session").map((p) => [
          `a ${p} link token as the cookie`,
          cookie(Tokens.sign(p, `${alice.id}~${alice.sessionId}`)),
        ]),
      ),
    };
    const sessionRoutes = ops.filter((op) => op.guards.has("session"));
    for (const op of sessionRoutes) {
      for (const [what, headers] of Object.entries(wrongSession)) {
        await expectRefused(op, what, requestFor(op, headers), (response, text) => {
          if (op.path.startsWith("/api/")) {
            expect(response.status).toBe(401);
            expect(JSON.parse(text)).toMatchObject({ error: { code: "unauthorized" } });
          } else {
            expect(response.status).toBe(303);
            expect(response.headers.get("location")).toBe(SIGN_IN_PAGE);
          }
        });
      }
      if (op.method !== "GET") {
        const foreign: Array<Record<string, string>> = [
          {},
          { origin: "https://evil.example" },
          { origin: "null" },
          { referer: "https://evil.example/page" },
        ];
        for (const origin of foreign) {
          const headers = { cookie: `${SignIn.COOKIE}=${alice.cookie}`, ...origin };
          await expectRefused(
            op,
            `Alice's cookie from ${JSON.stringify(origin)}`,
            requestFor(op, headers),
            (response) => {
              expect(response.status).toBe(403);
            },
          );
        }
      }
    }

    // The dashboard's pages: anything but a live editor's session goes to the sign-in page; an editor who is not an
    // admin is refused admins' pages; a POST from another site is refused whatever its cookie.
    const { adminSession, writerSession, endedEditor } = dashboard;
    const [, adminSubject] = adminSession.split(".") as [string, string];
    const wrongEditorSession: Record<string, Record<string, string>> = {
      "no cookie": {},
      "a reader's session cookie": { cookie: `${SignIn.COOKIE}=${alice.cookie}`, origin: ownOrigin },
      "a reader's session as the editor cookie": editorCookieHeader(alice.cookie),
      "a forged cookie": editorCookieHeader(`editor-session.${adminSubject}.0.AAAAAAAAAAAAAAAAAAAAAA`),
      "a signed-out session": editorCookieHeader(endedEditor),
      "an expired session": editorCookieHeader(Tokens.sign("editor-session", adminSubject, new Date(Date.now() - 13 * 3600_000))),
      "another editor's key on the admin's session": editorCookieHeader(Tokens.sign("editor-session", adminSubject.replace(ADMIN_KEY, WRITER_KEY))),
      "a session signed by an unknown secret": editorCookieHeader(withSecrets(UNKNOWN_SECRET, undefined, () => Tokens.sign("editor-session", adminSubject))),
      "a sign-in link token as the cookie": editorCookieHeader(Tokens.sign("editor-signin", adminSubject)),
    };
    const dashboardRoutes = ops.filter(isDashboard);
    for (const op of dashboardRoutes) {
      for (const [what, headers] of Object.entries(wrongEditorSession)) {
        await expectRefused(op, what, requestFor(op, headers), (response) => {
          // A POST from our own pages whose session is gone is sent to sign in, as a GET is; from anywhere else, 403.
          expect(response.status).toBe(op.method === "GET" || headers.origin === ownOrigin ? 303 : 403);
          if (response.status === 303) expect(response.headers.get("location")).toBe("/editor/login");
        });
      }
      if (op.guards.has("editor-admin")) {
        await expectRefused(op, "an editor's (not an admin's) session", requestFor(op, editorCookieHeader(writerSession)), (response) => {
          expect(response.status).toBe(403);
        });
      }
      if (op.method !== "GET") {
        const foreigns: Array<Record<string, string>> = [{}, { origin: "https://evil.example" }, { origin: "null" }, { referer: "https://evil.example/page" }];
        for (const foreign of foreigns) {
          await expectRefused(op, `the admin's cookie from ${JSON.stringify(foreign)}`, requestFor(op, { cookie: `tidings_editor=${adminSession}`, ...foreign }), (response) => {
            expect(response.status).toBe(403);
          });
        }
      }
    }
    expect(dashboardRoutes.length).toBeGreaterThan(1);

    // Link-token routes.
    const tokenRoutes = ops.filter((op) => key(op) in TOKEN_PURPOSE);
    for (const op of tokenRoutes) {
      const right = TOKEN_PURPOSE[key(op)]!;
      const subjectFor = (p: Tokens.Purpose) =>
        p === "vote"
          ? `${alice.id}~authz-topic`
          : p === "signin" || p === "session"
            ? `${alice.id}~${alice.sessionId}`
            : p === "editor-signin" || p === "editor-session"
              ? `${ADMIN_KEY}~${alice.sessionId}`
              : alice.id;
      const wrong: Record<string, string> = Object.fromEntries(
        PURPOSES.filter((p) => p !== right).map((p) => [`a ${p} token`, Tokens.sign(p, subjectFor(right))]),
      );
      const lifetime = Tokens.lifetimes[right];
      if (lifetime !== null)
        wrong[`an expired ${right} token`] = Tokens.sign(
          right,
          subjectFor(right),
          new Date(Date.now() - lifetime * 1000 - DAY),
        );
      wrong[`a ${right} token signed by an unknown secret`] = withSecrets(UNKNOWN_SECRET, undefined, () =>
        Tokens.sign(right, subjectFor(right)),
      );
      const valid = Tokens.sign(right, subjectFor(right));
      wrong[`a forged ${right} signature`] = valid.replace(/\.[^.]+$/, ".AAAAAAAAAAAAAAAAAAAAAA");
      wrong[`a ${right} token for Bob with Alice's signature`] = valid.replace(alice.id, bob.id).replace(ADMIN_KEY, WRITER_KEY);
      for (const [what, token] of Object.entries(wrong)) {
        await expectRefused(op, what, requestFor(op, { origin: ownOrigin }, token), (response, text) => {
          expect(response.status).toBe(400);
          expect(text).toMatch(/link (is not valid|has expired)|no longer valid/i);
        });
      }
    }

    console.log(
      `authz: ${editorRoutes.length} editor routes, ${sessionRoutes.length} session routes, ${dashboardRoutes.length} dashboard routes, ${tokenRoutes.length} link-token routes; ${cases} refusals checked`,
    );
    expect(refusals).toEqual([]);
    expect(changes(before, await snapshot())).toEqual([]);
  });
});

describe("rotation", () => {
  afterAll(() => {
    process.env.EDITOR_TOKENS = testSettings.EDITOR_TOKENS;
    Config.reset();
  });

  it("a rotated-out editor token is refused everywhere; the new one works", async () => {
    const rotated = "rotated-editor-token-0123456789abcdefghijklmnop";
    process.env.EDITOR_TOKENS = `editor:${rotated},ci:read:another-editor-token-0123456789abcdefghijkl`;
    Config.reset();
    const before = await snapshot();
    for (const op of ops.filter((op) => op.guards.has("editor"))) {
      const response = await send(requestFor(op, { authorization: `Bearer ${EDITOR_TOKEN}` }));
      expect(response.status, key(op)).toBe(401);
    }
    expect(changes(before, await snapshot())).toEqual([]);
    const stats = await send(
      new Request("http://localhost/api/stats", {
        headers: { authorization: `Bearer ${rotated}` },
      }),
    );
    expect(stats.status).toBe(200);
  });

  it("SIGNING_SECRET rotation: unsubscribe links under a retired secret still work, sessions and expiring links end; under one rotated out nothing works", async () => {
    const [first, second, third] = [
      "first-signing-secret-0123456789abcdef",
      "second-signing-secret-0123456789abcd",
      "third-signing-secret-0123456789abcdef",
    ];
    const carol = await saveSubscriber({ email: uniqueEmail("carol"), status: "pending" });
    const { confirm, unsubscribe, cookie } = await withSecrets(first, undefined, async () => ({
      confirm: Tokens.sign("confirm", carol.id),
      unsubscribe: Tokens.sign("unsubscribe", carol.id),
      cookie: (await SignIn.Sessions.start(carol.id)).cookie,
    }));
    const page = (path: string, token: string) => send(new Request(`http://localhost${path}?token=${encodeURIComponent(token)}`));
    const account = () =>
      send(new Request("http://localhost/account", { headers: { cookie: `${SignIn.COOKIE}=${cookie}` } }));
    const signedOut = async () => {
      const response = await account();
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe("/login");
    };

    // Rolled once: the first secret is retired. Its unsubscribe link (in old emails) still works; the session and
    // the confirm link, which expire anyway, end with the rotation.
    await withSecrets(second, first, async () => {
      expect((await page("/unsubscribe", unsubscribe)).status).toBe(200);
      expect((await page("/confirm", confirm)).status).toBe(400);
      await signedOut();
    });
    // Rolled again: the first secret is gone; nothing it signed works.
    await withSecrets(third, second, async () => {
      expect((await page("/unsubscribe", unsubscribe)).status).toBe(400);
      expect((await page("/confirm", confirm)).status).toBe(400);
      await signedOut();
    });
  });
});

describe("positive controls: the right credential gets through the same requests", () => {
  it("every editor token whose scope allows it on every editor route, a patron's session on every session route, the right token on every link-token route", async () => {
    const passed: string[] = [];
    const failed: string[] = [];
    const expectThrough = async (op: Operation, req: Request) => {
      const response = await send(req);
      const text = await response.text();
      const refusedByGuard =
        response.status === 401 ||
        response.status === 403 ||
        (response.status === 303 && ["/login", "/editor/login"].includes(response.headers.get("location") ?? ""));
      const refusedToken = response.status === 400 && /link (is not valid|has expired)|no longer valid/i.test(text);
      (refusedByGuard || refusedToken || response.status >= 500 ? failed : passed).push(
        `${key(op)} → ${response.status} ${refusedByGuard || refusedToken ? text.slice(0, 120) : ""}`,
      );
      // What a credential gets is the caller's alone: never stored by a browser or a shared cache.
      if (response.headers.get("cache-control") !== "no-store") failed.push(`${key(op)}: Cache-Control ${response.headers.get("cache-control")}`);
    };
    // Read-only first, then the ones that change things; the account deletions last.
    const order = (op: Operation) => (op.method === "GET" ? 0 : endsSessions(op) ? 2 : 1);
    for (const op of [...ops].sort((a, b) => order(a) - order(b))) {
      if (op.guards.has("editor")) {
        // Every scope that allows the route: the one it needs, and each above it.
        for (const scope of atOrAbove(EDITOR_SCOPE[key(op)]!)) {
          await expectThrough(op, requestFor(op, { authorization: `Bearer ${EDITOR_TOKENS_BY_SCOPE[scope]}` }));
        }
      }
      else if (isDashboard(op)) {
        const { cookie } = await Editors.Sessions.startSession(ADMIN_KEY);
        await expectThrough(op, requestFor(op, editorCookieHeader(cookie)));
      } else if (op.guards.has("session")) {
        // Each route that ends its reader's sessions (erasure, sign out everywhere) gets a reader of its own.
        const who = endsSessions(op) ? await signedIn({ email: uniqueEmail("erased") }) : bob;
        await expectThrough(op, requestFor(op, { cookie: `${SignIn.COOKIE}=${who.cookie}`, origin: ownOrigin }));
      } else if (key(op) in TOKEN_PURPOSE) {
        const purpose = TOKEN_PURPOSE[key(op)]!;
        const subject =
          purpose === "vote"
            ? `${bob.id}~authz-topic`
            : purpose === "signin"
              ? SignIn.linkToken(bob.id)
              : purpose === "billing-update"
                ? `${bob.id}~cus_authz` // through the token; then "not theirs" (404): Bob pays through no customer
                : bob.id;
        await expectThrough(
          op,
          requestFor(
            op,
            { origin: ownOrigin },
            purpose === "email-change"
              ? // Confirming ends its reader's sessions: that route's reader is one of its own.
                await addressChangeToken(endsSessions(op) ? (await saveSubscriber({ email: uniqueEmail("moving") })).id : bob.id)
              : purpose === "signin"
                ? subject
                : purpose === "editor-signin"
                  ? editorLink()
                  : purpose === "gift"
                  ? Tokens.sign("gift", await deliveredGift(bob.email))
                  : Tokens.sign(purpose, subject),
          ),
        );
      }
    }
    console.log(`authz: positive controls passed on ${passed.length} route and credential pairs, each answered Cache-Control: no-store`);
    expect(failed).toEqual([]);
  });
});
