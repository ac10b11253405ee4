/** Editors' routes against the real local stack: auth, articles, topics and digests. */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as Db from "../../core/db";
import * as Editors from "../../core/editors";
import { log } from "../../core/log";
import { hashIp } from "../../core/subscribers/signup";
import { EDITOR_TOKEN as EDITOR, EDITOR_TOKENS_BY_SCOPE } from "../helpers/editor";
import { randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";

useLocalStack();

/** A request with `token` (none: no Authorization), from `ip` (the default one of `request`, unless told). */
const as = (token: string | undefined, method: string, path: string, body?: unknown, ip?: string) =>
  request(
    path,
    {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    ip,
  );
const editor = (method: string, path: string, body?: unknown) => as(EDITOR, method, path, body);

const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
const article = (overrides: Record<string, unknown> = {}) => ({
  title: "Rents rise again",
  url: "https://news.example.org/rents",
  summary: "A look at the numbers.",
  topics: ["housing"],
  author: "Jo Reporter",
  publishedAt: anHourAgo,
  ...overrides,
});

beforeAll(async () => {
  for (const [id, title] of [["housing", "Housing"], ["climate", "Climate"]]) {
    expect((await editor("PUT", `/api/topics/${id}`, { title })).status).toBeLessThan(300);
  }
});
afterEach(() => vi.restoreAllMocks());

describe("editor authentication", () => {
  const routes: Array<[string, string, unknown?]> = [
    ["PUT", "/api/articles/a1", article()],
    ["GET", "/api/articles"],
    ["GET", "/api/articles/a1"],
    ["DELETE", "/api/articles/a1"],
    ["PUT", "/api/topics/secret-topic", { title: "Secret" }],
    ["POST", "/api/digests", { frequency: "daily" }],
    ["GET", "/api/digests"],
    ["GET", "/api/digests/daily-2026-11-30"],
  ];

  it("answers 401 without a token, with a wrong one or a malformed header, and changes nothing", async () => {
    // Each from a network of its own: here the answer to one attempt is under test, not the limit on failures.
    for (const [method, path, body] of routes) {
      for (const token of [undefined, "wrong-token-wrong-token", `${EDITOR}x`, EDITOR.slice(0, -1)]) {
        const response = await as(token, method, path, body, randomIp());
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
      }
      const basic = await request(path, { method, headers: { authorization: `Basic ${EDITOR}` } }, randomIp());
      expect(basic.status).toBe(401);
    }
    expect(await Db.Articles.get("a1")).toBeUndefined();
    expect(await Db.Topics.get("secret-topic")).toBeUndefined();
    expect((await Db.Digests.page({})).digests).toHaveLength(0);
  });

  it("logs every editor action with the token's name and never the token", async () => {
    const info = vi.spyOn(log, "info");
    expect((await editor("GET", "/api/articles")).status).toBe(200);
    const entry = info.mock.calls.find(([fields]) => (fields as { event?: string }).event === "editor.action");
    expect(entry?.[0]).toMatchObject({ editor: "editor", scope: "admin", method: "GET", route: "/api/articles", status: 200 });
    expect(JSON.stringify(info.mock.calls)).not.toContain(EDITOR);
  });

  it("logs a failed authentication as a warning under the network's keyed hash, never the token or the address", async () => {
    const warn = vi.spyOn(log, "warn");
    const ip = randomIp();
    const presented = "a-guess-at-the-editor-token-0123456789abcdefgh";
    expect((await as(presented, "GET", "/api/stats", undefined, ip)).status).toBe(401);
    expect((await as(undefined, "GET", "/api/stats", undefined, ip)).status).toBe(401);
    const entries = warn.mock.calls.map(([fields]) => fields as Record<string, unknown>).filter((f) => f.event === "editor.auth_failed");
    expect(entries).toEqual([
      expect.objectContaining({ reason: "wrong_token", network: hashIp(ip), action: "GET /api/stats", limited: false }),
      expect.objectContaining({ reason: "no_token", network: hashIp(ip) }),
    ]);
    const logged = JSON.stringify(warn.mock.calls);
    expect(logged).not.toContain(presented);
    expect(logged).not.toContain(ip);
  });

  it("refuses a network past its failed attempts with 429 and Retry-After, its right token too, until the window ends", async () => {
    const ip = randomIp();
    const other = randomIp();
    const { perNetwork, windowSeconds } = Editors.FAILURES;
    for (let i = 0; i < perNetwork; i++) {
      expect((await as(`wrong-${i}`, "GET", "/api/stats", undefined, ip)).status, `failure ${i + 1}`).toBe(401);
    }
    for (const token of ["wrong-again", EDITOR]) {
      const refused = await as(token, "GET", "/api/stats", undefined, ip);
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
    }
    // Refused before anything is done: the right token's write is not made.
    expect((await as(EDITOR, "PUT", "/api/articles/while-limited", article(), ip)).status).toBe(429);
    expect(await Db.Articles.get("while-limited")).toBeUndefined();
    // Another network is not affected; this one gets through once the window has passed.
    expect((await as(EDITOR, "GET", "/api/stats", undefined, other)).status).toBe(200);
    const later = new Date(Date.now() + windowSeconds * 1000);
    await expect(Editors.authenticate({ presented: EDITOR, ip, action: "GET /api/stats" }, later)).resolves.toEqual({
      name: "editor",
      scope: "admin",
    });
  });

  it("answers 403 forbidden to a token whose scope is too narrow, changes nothing, and counts no failure", async () => {
    const ip = randomIp();
    for (let i = 0; i < Editors.FAILURES.perNetwork + 1; i++) {
      const response = await as(EDITOR_TOKENS_BY_SCOPE.read, "PUT", "/api/articles/read-only", article(), ip);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    }
    expect(await Db.Articles.get("read-only")).toBeUndefined();
    expect((await as(EDITOR_TOKENS_BY_SCOPE.read, "GET", "/api/articles", undefined, ip)).status).toBe(200);
    expect((await as(EDITOR_TOKENS_BY_SCOPE.send, "PUT", "/api/articles/read-only", article(), ip)).status).toBe(201);
  });
});

describe("articles", () => {
  it("creates, leaves unchanged and updates by id", async () => {
    const created = await editor("PUT", "/api/articles/rents-2026", article());
    expect(created.status).toBe(201);
    const first = ((await created.json()) as { article: { updatedAt: string } }).article;

    const again = await editor("PUT", "/api/articles/rents-2026", article());
    expect(again.status).toBe(200);
    expect(((await again.json()) as { article: unknown }).article).toEqual(first);

    const changed = await editor("PUT", "/api/articles/rents-2026", article({ title: "Rents rise again, a lot" }));
    expect(changed.status).toBe(200);
    expect(await Db.Articles.get("rents-2026")).toMatchObject({ title: "Rents rise again, a lot" });
  });

  it("refuses invalid articles with 400 naming the fields, and stores nothing", async () => {
    const bad: Array<Record<string, unknown>> = [
      article({ url: "javascript:alert(1)" }),
      article({ url: "not a url" }),
      article({ topics: [] }),
      article({ topics: ["no-such-topic"] }),
      article({ title: "" }),
      article({ publishedAt: "yesterday" }),
      article({ title: "x".repeat(301) }),
      article({ imageUrl: "ftp://example.org/a.png" }),
    ];
    for (const body of bad) {
      const response = await editor("PUT", "/api/articles/bad-one", body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect((await editor("PUT", "/api/articles/bad id!", article())).status).toBe(400);
    expect(await Db.Articles.get("bad-one")).toBeUndefined();
  });

  it("lists newest first with cursor pagination and filters, and deletes idempotently", async () => {
    const base = Date.parse("2020-01-10T12:00:00Z");
    for (let i = 0; i < 5; i++) {
      const at = new Date(base + i * 3_600_000).toISOString();
      const topics = i % 2 ? ["climate"] : ["housing"];
      expect((await editor("PUT", `/api/articles/old-${i}`, article({ publishedAt: at, topics }))).status).toBe(201);
    }
    const window = "since=2020-01-10T00:00:00Z&until=2020-01-11T00:00:00Z";
    const first = (await (await editor("GET", `/api/articles?${window}&limit=2`)).json()) as {
      articles: Array<{ id: string }>;
      cursor: string | null;
    };
    expect(first.articles.map((a) => a.id)).toEqual(["old-4", "old-3"]);
    const second = (await (await editor("GET", `/api/articles?${window}&limit=10&cursor=${first.cursor}`)).json()) as {
      articles: Array<{ id: string }>;
    };
    expect(second.articles.map((a) => a.id)).toEqual(["old-2", "old-1", "old-0"]);
    const climate = (await (await editor("GET", `/api/articles?${window}&topic=climate`)).json()) as {
      articles: Array<{ id: string }>;
    };
    expect(climate.articles.map((a) => a.id)).toEqual(["old-3", "old-1"]);
    expect((await editor("GET", "/api/articles?cursor=bm90LWEta2V5")).status).toBe(400);

    expect((await editor("DELETE", "/api/articles/old-0")).status).toBe(204);
    expect((await editor("DELETE", "/api/articles/old-0")).status).toBe(204);
    expect((await editor("GET", "/api/articles/old-0")).status).toBe(404);
  });
});

describe("topics", () => {
  it("upserts topics and lists open and covered ones publicly with scores", async () => {
    expect((await editor("PUT", "/api/topics/transit", { title: "Transit", description: "Buses" })).status).toBe(201);
    expect((await editor("PUT", "/api/topics/transit", { title: "Transit", description: "Buses" })).status).toBe(200);
    expect((await editor("PUT", "/api/topics/archive", { title: "Archive", status: "closed" })).status).toBe(201);
    expect((await editor("PUT", "/api/topics/Bad_Id", { title: "Bad" })).status).toBe(400);
    expect((await editor("PUT", "/api/topics/x", { title: "X", status: "deleted" })).status).toBe(400);

    const listed = (await (await request("/api/topics")).json()) as { topics: Array<{ id: string; score: number; voters: number }> };
    expect(listed.topics.find((t) => t.id === "transit")).toMatchObject({ score: 0, voters: 0, status: "open" });
    expect(listed.topics.map((t) => t.id)).not.toContain("archive");
  });
});

describe("digests", () => {
  it("creates a digest per frequency and period once, covering the articles since the last sent one", async () => {
    const recent = new Date(Date.now() - 2 * 3_600_000).toISOString();
    expect((await editor("PUT", "/api/articles/fresh", article({ publishedAt: recent }))).status).toBe(201);
    const created = await editor("POST", "/api/digests", { frequency: "weekly", period: "2030-W01", intro: "Hello" });
    expect(created.status).toBe(201);
    const { digest } = (await created.json()) as { digest: { id: string; articleIds: string[]; status: string } };
    expect(digest).toMatchObject({ id: "weekly-2030-W01", status: "draft", intro: "Hello" });
    expect(digest.articleIds).toContain("fresh");
    expect(digest.articleIds).not.toContain("old-1");

    const again = await editor("POST", "/api/digests", { frequency: "weekly", period: "2030-W01", subject: "Other" });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { digest: unknown }).digest).toEqual(digest);
    expect(((await (await editor("GET", "/api/digests/weekly-2030-W01")).json()) as { digest: unknown }).digest).toEqual(digest);
  });

  it("starts where the previous sent digest of the frequency ended", async () => {
    const coversTo = new Date(Date.now() - 30 * 60_000).toISOString();
    await Db.Digests.create({
      id: "daily-2029-12-31", frequency: "daily", period: "2029-12-31", subject: "s", status: "sent",
      articleIds: [], coversFrom: "2020-01-01T00:00:00.000Z", coversTo, createdAt: coversTo,
      counts: { recipients: 0, queued: 0, sending: 0, sent: 0, skipped: 0, suppressed: 0, failed: 0, bounced: 0, complained: 0 },
    });
    await editor("PUT", "/api/articles/before-cut", article({ publishedAt: new Date(Date.now() - 45 * 60_000).toISOString() }));
    await editor("PUT", "/api/articles/after-cut", article({ publishedAt: new Date(Date.now() - 10 * 60_000).toISOString() }));
    const { digest } = (await (await editor("POST", "/api/digests", { frequency: "daily" })).json()) as {
      digest: { period: string; coversFrom: string; articleIds: string[] };
    };
    expect(digest.period).toBe(new Date().toISOString().slice(0, 10));
    expect(digest.coversFrom).toBe(coversTo);
    expect(digest.articleIds).toContain("after-cut");
    expect(digest.articleIds).not.toContain("before-cut");
  });

  it("refuses periods that do not exist and lists digests newest first", async () => {
    for (const body of [
      { frequency: "weekly", period: "2026-W54" },
      { frequency: "weekly", period: "2026-11-30" },
      { frequency: "daily", period: "2026-02-30" },
      { frequency: "hourly" },
      { frequency: "daily", subject: "Hi\r\nBcc: x@example.com" },
    ]) {
      expect((await editor("POST", "/api/digests", body)).status, JSON.stringify(body)).toBe(400);
    }
    const { digests } = (await (await editor("GET", "/api/digests")).json()) as { digests: Array<{ id: string }> };
    expect(digests.length).toBeGreaterThanOrEqual(2);
    const drafts = (await (await editor("GET", "/api/digests?status=sent")).json()) as { digests: Array<{ status: string }> };
    expect(drafts.digests.every((d) => d.status === "sent")).toBe(true);
    expect((await editor("GET", "/api/digests/weekly-2031-W01")).status).toBe(404);
  });
});
