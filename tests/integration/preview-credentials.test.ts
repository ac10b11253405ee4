/**
 * Previews and test copies hand out no reader's credentials (issue 17, item 2): a preview or `[TEST]` copy made
 * as a real patron carries no string that verifies as a link token of any purpose (in its HTML, its text or, for a
 * test copy, any header as SES received it), and no one-click List-Unsubscribe; the real send still carries both.
 * Test sends are limited per editor token, and the editor action's log line names whom it was about by a keyed
 * hash, never the address or the subscriber's id.
 */
import { simpleParser } from "mailparser";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TokenBucket } from "../../core/delivery";
import * as Digests from "../../core/digests";
import * as Editors from "../../core/editors";
import { log } from "../../core/log";
import type { Subscriber } from "../../core/subscribers";
import * as Tokens from "../../core/tokens";
import { drain } from "../../scripts/local-worker";
import { editor, editorAs, publish } from "../helpers/editor";
import { createDigest, savePatronSubscriber } from "../helpers/factories";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { startSesProxy } from "../helpers/ses-proxy";

useLocalStack();

let digestId: string;
let patron: Subscriber;

beforeAll(async () => {
  await publish({ climate: "Climate", housing: "Housing" }, [
    { id: "heat", title: "Heat records fall", topics: ["climate"] },
    { id: "rents", title: "Rents rise", topics: ["housing"] },
  ]);
  // A patron: their copy has manage, unsubscribe and one-click vote links (the open topics above).
  patron = await savePatronSubscriber({}, { email: uniqueEmail("patron"), name: "Pat Ron", topics: [] });
  digestId = (await createDigest({ period: "2030-W30" })).id;
});
afterEach(() => vi.restoreAllMocks());

const PURPOSES = Object.keys(Tokens.lifetimes) as Tokens.Purpose[];
/** `purpose.subject.expiry.signature`, as `core/tokens` makes them. */
const TOKEN_SHAPE = /[a-z]+\.[A-Za-z0-9_~:-]{1,200}\.[0-9a-z]{1,12}\.[A-Za-z0-9_-]{16,}/g;

/**
 * Every string in `texts` that verifies as a link token of any purpose: each token-shaped string, and each
 * path segment and query value of each URL (decoded), tried as every purpose.
 */
function verifyingTokens(...texts: string[]): string[] {
  const candidates = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(TOKEN_SHAPE)) candidates.add(match[0]);
    for (const [href] of text.matchAll(/https?:\/\/[^\s"'<>]+/g)) {
      const url = new URL(href.replace(/&amp;/g, "&"));
      for (const value of [...url.searchParams.values(), ...url.pathname.split("/")]) candidates.add(decodeURIComponent(value));
    }
  }
  return [...candidates].filter((candidate) =>
    PURPOSES.some((purpose) => {
      try {
        Tokens.verify(candidate, purpose);
        return true;
      } catch {
        return false;
      }
    }),
  );
}

async function preview(format: "html" | "text", email = patron.email) {
  const response = await editor("GET", `/api/digests/${digestId}/preview?format=${format}&email=${encodeURIComponent(email)}`);
  expect(response.status).toBe(200);
  return response.text();
}

describe("a preview as a real patron", () => {
  it("carries no token of any purpose, in its HTML or its text; the reader's real email does (the check finds them)", async () => {
    const [html, text] = [await preview("html"), await preview("text")];
    expect(html).toContain("Pat Ron"); // their copy: their name, the vote block of a patron
    expect(html).toContain("Vote on what we cover next");
    expect(verifyingTokens(html, text)).toEqual([]);
    expect(`${html}${text}`).not.toContain(patron.id);
    expect(html).toContain(`${process.env.PUBLIC_URL}/preview-link?link=vote`);
    expect(text).toContain(`${process.env.PUBLIC_URL}/preview-link?link=unsubscribe`);

    const real = await Digests.messageFor(await Digests.get(digestId), await Digests.readerFor(patron));
    expect(verifyingTokens(real.html, real.text).length).toBeGreaterThanOrEqual(4); // manage, unsubscribe, 2 votes
  });

  it("links to a page that says it is a preview", async () => {
    for (const link of Digests.previewLinks) {
      const page = await fetchPage(`/preview-link?link=${link}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("This link is from a preview");
    }
    expect((await fetchPage("/preview-link?link=other")).status).toBe(400);
  });

  it("is logged with the keyed hash of the address it was made as, never the address or the subscriber id", async () => {
    const info = vi.spyOn(log, "info");
    await preview("html");
    const entry = info.mock.calls.map(([fields]) => fields as Record<string, unknown>).find((f) => f.event === "editor.action");
    expect(entry).toMatchObject({ editor: "editor", scope: "admin", route: "/api/digests/:id/preview", targets: [Editors.targetHash(patron.email)] });
    const logged = JSON.stringify(info.mock.calls);
    expect(logged).not.toContain(patron.email);
    expect(logged).not.toContain(patron.id);
  });
});

describe("a [TEST] copy as a real patron", () => {
  it("arrives without List-Unsubscribe, List-Id or trace headers, and with no token of any purpose anywhere", async () => {
    const to = uniqueEmail("test-inbox");
    const info = vi.spyOn(log, "info");
    const proxy = await startSesProxy();
    try {
      const response = await editor("POST", `/api/digests/${digestId}/test`, { to: [to], email: patron.email });
      expect(response.status).toBe(202);
      expect(proxy.calls).toHaveLength(1);
      const parsed = await simpleParser(proxy.calls[0]!.raw);
      expect(parsed.subject).toMatch(/^\[TEST\] /);
      const names = parsed.headerLines.map((line) => line.key);
      for (const name of ["list-unsubscribe", "list-unsubscribe-post", "list-id", "x-tidings-delivery", "x-tidings-digest"]) {
        expect(names, name).not.toContain(name);
      }
      const headers = parsed.headerLines.map((line) => line.line).join("\n");
      expect(verifyingTokens(headers, parsed.html || "", parsed.text ?? "")).toEqual([]);
      expect(`${headers}${parsed.html}${parsed.text}`).not.toContain(patron.id);
      expect(parsed.html).toContain("Pat Ron");
    } finally {
      await proxy.stop();
    }
    const [stored] = await mailTo(to); // as the SES emulator keeps it
    expect(stored?.subject).toMatch(/^\[TEST\] /);
    expect(verifyingTokens(stored!.body.html ?? "", stored!.body.text ?? "")).toEqual([]);

    const entry = info.mock.calls.map(([fields]) => fields as Record<string, unknown>).find((f) => f.event === "editor.action");
    expect(new Set(entry?.targets as string[])).toEqual(new Set([Editors.targetHash(patron.email), Editors.targetHash(to)]));
    const logged = JSON.stringify(info.mock.calls);
    for (const secret of [patron.email, patron.id, to]) expect(logged).not.toContain(secret);
  });

  it("is limited per editor token: past the limit 429 with Retry-After, and nothing is sent", async () => {
    const { perEditor } = Digests.TEST_SENDS;
    for (let i = 0; i < perEditor; i++) {
      const response = await editorAs("send", "POST", `/api/digests/${digestId}/test`, { to: [uniqueEmail("allowed")] });
      expect(response.status, `test send ${i + 1}`).toBe(202);
    }
    const refused = uniqueEmail("refused");
    const proxy = await startSesProxy();
    try {
      const response = await editorAs("send", "POST", `/api/digests/${digestId}/test`, { to: [refused], email: patron.email });
      expect(response.status).toBe(429);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(proxy.counts.calls).toBe(0);
      // Another token has an allowance of its own.
      expect((await editor("POST", `/api/digests/${digestId}/test`, { to: [uniqueEmail("other-token")] })).status).toBe(202);
    } finally {
      await proxy.stop();
    }
    expect(await mailTo(refused)).toEqual([]);
  });
});

describe("the real send", () => {
  it("still gives the patron their own one-click List-Unsubscribe and links whose tokens verify", async () => {
    const proxy = await startSesProxy();
    try {
      expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
      await drain({ workers: 1, bucket: new TokenBucket(2000) });
      const raws = await Promise.all(proxy.forwarded().map((raw) => simpleParser(raw)));
      const mine = raws.find((parsed) => parsed.headers.get("x-tidings-delivery") === patron.id)!;
      expect(mine).toBeDefined();
      const header = (name: string) => mine.headerLines.find((line) => line.key === name)?.line.replace(/\r?\n\s+/g, " ");
      const unsubscribe = /<([^>]+)>/.exec(header("list-unsubscribe") ?? "")?.[1];
      expect(Tokens.verify(new URL(unsubscribe!).searchParams.get("token"), "unsubscribe").subject).toBe(patron.id);
      expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
      expect(verifyingTokens(mine.html || "", mine.text ?? "").length).toBeGreaterThanOrEqual(4);
    } finally {
      await proxy.stop();
    }
  });
});

/** A page as anyone opens it: no credential. */
const fetchPage = (path: string) => request(path);
