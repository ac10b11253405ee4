/**
 * `GET /api/subscribers/export` against the real local stack (the S3 stand-in included): the CSV is written to the
 * exports bucket and the answer is a 303 to a presigned link, with `{ url, expiresAt, rows }`; the link, fetched
 * over HTTP, gives the same CSV the export always gave (formulas defused), and `fetch` following the redirect
 * gets it too; editors only; no bucket → 503 and nothing written; the stand-in refuses tampered and expired links.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import * as Config from "../../core/config";
import * as Storage from "../../core/storage";
import { EDITOR_TOKEN } from "../helpers/editor";
import { csvNow, download, exportLink } from "../helpers/exports";
import { createSubscribers, saveSubscriber } from "../helpers/factories";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";

useLocalStack();
const ROWS = 300;

beforeAll(async () => {
  await createSubscribers(ROWS - 3, (i) => ({
    name: i % 4 === 0 ? `Reader ${i}, "quoted"` : undefined,
    frequency: i % 3 === 0 ? "daily" : "weekly",
  }));
  await saveSubscriber({ name: '=HYPERLINK("https://evil.example","x")' });
  await saveSubscriber({ name: "+1 555 0100", status: "unsubscribed" });
  await saveSubscriber({ name: "@mention", status: "complained" });
}, 60_000);

/** Runs `fn` with settings changed, then puts them back (and the clients that read them). */
async function withSettings(changes: Record<string, string | undefined>, fn: () => Promise<void>) {
  const saved = Object.fromEntries(Object.keys(changes).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    Config.reset();
    Storage.resetClient();
  };
  apply(changes);
  try {
    await fn();
  } finally {
    apply(saved);
  }
}

/** An HTTP server standing where S3 would be that records every request and accepts none of them. */
async function s3Spy(): Promise<{ endpoint: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("GET /api/subscribers/export", () => {
  it("answers 303 to a 15-minute link, with { url, expiresAt, rows }; the link downloads the same CSV as before", async () => {
    const expected = await csvNow();
    const asked = Date.now();
    const answer = await exportLink();
    const answered = Date.now();

    expect(answer.rows).toBe(ROWS);
    // Signed once the file is written, for whole seconds: 15 minutes from then.
    expect(Date.parse(answer.expiresAt)).toBeGreaterThan(asked - 1000 + 15 * 60_000);
    expect(Date.parse(answer.expiresAt)).toBeLessThanOrEqual(answered + 15 * 60_000);
    const url = new URL(answer.url);
    expect(url.origin).toBe(process.env.S3_ENDPOINT);
    expect(url.pathname).toMatch(new RegExp(`^/${process.env.EXPORT_BUCKET}/exports/[0-9A-Z]{26}-[0-9a-f]{32}\\.csv$`));
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");

    const file = await download(answer.url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename="subscribers-\d{4}-\d\d-\d\d\.csv"$/);
    expect(file.text).toBe(expected);
    const rows = parse(file.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(ROWS);
    expect(rows.map((row) => row.name)).toEqual(
      expect.arrayContaining([`'=HYPERLINK("https://evil.example","x")`, "'+1 555 0100", "'@mention", 'Reader 0, "quoted"']),
    );
  });

  it("exports one status when asked, each export to a file of its own", async () => {
    const [active, again] = [await exportLink("?status=active"), await exportLink("?status=active")];
    expect(active.rows).toBe(ROWS - 2);
    expect(new URL(again.url).pathname).not.toBe(new URL(active.url).pathname);
    const file = await download(active.url);
    expect(file.headers.get("content-disposition")).toMatch(/filename="subscribers-active-\d{4}-\d\d-\d\d\.csv"$/);
    expect(file.text).toBe(await csvNow("active"));
    expect((await download(again.url)).text).toBe(file.text);
  });

  it("is downloaded by an HTTP client that follows the redirect, which drops the editor token on the way", async () => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/subscribers/export`, {
        headers: { authorization: `Bearer ${EDITOR_TOKEN}` },
      });
      expect(response.status).toBe(200);
      expect(response.url).toMatch(new RegExp(`^${process.env.S3_ENDPOINT}/`));
      expect(await response.text()).toBe(await csvNow());
    } finally {
      server.close();
    }
  });

  it("refuses anyone without an editor token, before anything is written", async () => {
    const spy = await s3Spy();
    try {
      await withSettings({ S3_ENDPOINT: spy.endpoint }, async () => {
        const refused: Array<Record<string, string>> = [{}, { authorization: "Bearer not-the-editor-token-0123456789" }];
        for (const headers of refused) {
          const response = await request("/api/subscribers/export", { headers });
          expect(response.status).toBe(401);
          expect(response.headers.get("location")).toBeNull();
        }
      });
      expect(spy.requests).toEqual([]);
    } finally {
      await spy.close();
    }
  });

  it("answers 503 saying so where no exports bucket is configured, and writes nothing", async () => {
    const spy = await s3Spy();
    try {
      await withSettings({ EXPORT_BUCKET: undefined, S3_ENDPOINT: spy.endpoint }, async () => {
        const response = await request("/api/subscribers/export", { headers: { authorization: `Bearer ${EDITOR_TOKEN}` } });
        expect(response.status).toBe(503);
        const { error } = (await response.json()) as { error: { code: string; message: string } };
        expect(error).toEqual({ code: "exports_not_configured", message: expect.stringMatching(/EXPORT_BUCKET/) });
      });
      expect(spy.requests).toEqual([]);
    } finally {
      await spy.close();
    }
  });

  it("answers 500, not a link, when S3 refuses the file", async () => {
    const spy = await s3Spy();
    try {
      await withSettings({ S3_ENDPOINT: spy.endpoint }, async () => {
        const response = await request("/api/subscribers/export", { headers: { authorization: `Bearer ${EDITOR_TOKEN}` } });
        expect(response.status).toBe(500);
        expect(response.headers.get("location")).toBeNull();
        expect(await response.text()).not.toMatch(/127\.0\.0\.1|exports\//);
      });
      expect(spy.requests.length).toBeGreaterThan(0);
    } finally {
      await spy.close();
    }
  }, 30_000);
});

describe("the download link", () => {
  it("is refused by the S3 stand-in once tampered with: another signature, file, lifetime or key", async () => {
    const { url } = await exportLink();
    expect((await download(url)).status).toBe(200);
    const tampered = new URL(url);
    const signature = tampered.searchParams.get("X-Amz-Signature")!;
    const variants: Record<string, (link: URL) => void> = {
      "another signature": (link) =>
        link.searchParams.set("X-Amz-Signature", `${signature[0] === "a" ? "b" : "a"}${signature.slice(1)}`),
      "another file": (link) => (link.pathname = link.pathname.replace(/\.csv$/, "0.csv")),
      "a longer lifetime": (link) => link.searchParams.set("X-Amz-Expires", "604800"),
      "another access key": (link) =>
        link.searchParams.set("X-Amz-Credential", link.searchParams.get("X-Amz-Credential")!.replace(/^local\//, "S3RVER/")),
    };
    for (const [what, change] of Object.entries(variants)) {
      const link = new URL(url);
      change(link);
      const answer = await download(link.toString());
      expect([what, answer.status]).toEqual([what, 403]);
      expect(answer.text).toMatch(/<Code>(SignatureDoesNotMatch|AccessDenied)<\/Code>/);
    }
  });

  it("is refused by the S3 stand-in once it has expired", async () => {
    const { url } = await exportLink();
    const key = decodeURIComponent(new URL(url).pathname.split("/").slice(2).join("/"));
    const short = await Storage.signedDownloadUrl(process.env.EXPORT_BUCKET!, key, 1);
    expect((await download(short.url)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, short.expiresAt.getTime() - Date.now() + 1100));
    const expired = await download(short.url);
    expect(expired.status).toBe(403);
    expect(expired.text).toMatch(/Request has expired/);
  });
});
