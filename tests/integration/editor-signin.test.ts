/**
 * The dashboard's door (`product.md` → Editors' dashboard): an emailed link for addresses in `EDITORS` only, the
 * same answer for every address; a session of its own (not a reader's), ended by signing out, by inactivity, or
 * by leaving `EDITORS`; Origin-checked POSTs; admins' pages refused to editors; every action in the audit log,
 * from the dashboard and from API tokens alike.
 */
import { describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as Editors from "../../core/editors";
import * as Email from "../../core/email";
import * as Tokens from "../../core/tokens";
import { editor } from "../helpers/editor";
import { signedIn } from "../helpers/factories";
import { postJson, randomIp, request } from "../helpers/http";
import { TEST_EDITORS, useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";

useLocalStack();

const origin = () => new URL(process.env.PUBLIC_URL!).origin;
const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", origin: origin(), ...headers },
  body: new URLSearchParams(fields).toString(),
});
const cookieOf = (response: Response) => /tidings_editor=([^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1];
const withCookie = (cookie: string, init: RequestInit = {}) => ({ ...init, headers: { ...(init.headers as object), cookie: `tidings_editor=${cookie}` } });

/** A fresh sign-in link's token for a listed editor, as the email carries it. */
const linkFor = (email: string, at = new Date()) => Tokens.sign("editor-signin", `${Editors.editorKey(email)}~${Math.random().toString(36).slice(2)}`, at);

async function signIn(email: string): Promise<string> {
  const response = await request("/editor/signin", form({ token: linkFor(email) }));
  expect(response.status).toBe(303);
  expect(response.headers.get("location")).toBe("/editor");
  return cookieOf(response)!;
}

describe("signing in to the dashboard", () => {
  it("emails a link to a listed editor only, answering every address the same; the link's page changes nothing, its POST signs in once", async () => {
    const ip = randomIp();
    const stranger = uniqueEmail("not-an-editor");
    const answers = await Promise.all([TEST_EDITORS.admin, stranger].map((email) => postJson("/api/editor/login", { email }, ip)));
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(await answer.json()).toEqual({ status: "sent" });
    }
    expect(await mailTo(stranger)).toHaveLength(0);
    const mails = (await mailTo(TEST_EDITORS.admin)).filter((m) => m.subject.includes("dashboard"));
    expect(mails).toHaveLength(1);
    const token = tokenFrom(mails[0]!, "/editor/signin");

    // The page a link opens shows a button; opening it (a mail scanner) signs nobody in.
    const page = await request(`/editor/signin?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(TEST_EDITORS.admin);
    expect(page.headers.get("set-cookie")).toBeNull();
    expect((await request("/editor")).status).toBe(303);

    const used = await request("/editor/signin", form({ token }));
    expect(used.status).toBe(303);
    const setCookie = used.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const overview = await request("/editor", withCookie(cookieOf(used)!));
    expect(overview.status).toBe(200);
    expect(overview.headers.get("cache-control")).toBe("no-store");
    expect(await overview.text()).toContain("Overview");

    // A link signs in once.
    const again = await request("/editor/signin", form({ token }));
    expect(again.status).toBe(400);
    expect(cookieOf(again)).toBeUndefined();
  });

  it("refuses a link from another site, of another purpose, for an address no longer listed, or expired", async () => {
    const refused = await request("/editor/signin", form({ token: linkFor(TEST_EDITORS.admin) }, { origin: "https://evil.example" }));
    expect(refused.status).toBe(403);
    expect(cookieOf(refused)).toBeUndefined();
    const readerLink = Tokens.sign("signin", `${Editors.editorKey(TEST_EDITORS.admin)}~nonce1234`);
    expect((await request("/editor/signin", form({ token: readerLink }))).status).toBe(400);
    const unlisted = Tokens.sign("editor-signin", `${Editors.editorKey("gone@newsroom.example")}~nonce1234`);
    expect((await request(`/editor/signin?token=${encodeURIComponent(unlisted)}`)).status).toBe(400);
    const old = linkFor(TEST_EDITORS.admin, new Date(Date.now() - 16 * 60 * 1000));
    expect((await request("/editor/signin", form({ token: old }))).status).toBe(400);
  });

  it("answers in the language of the page asked from, and emails the link in it", async () => {
    const asked = await request("/editor/login", form({ email: TEST_EDITORS.editor }, { accept: "text/html", "accept-language": "uk" }));
    expect(asked.status).toBe(202);
    expect(asked.headers.get("content-language")).toBe("uk");
    expect(await asked.text()).toContain("Перевірте пошту");
    const mails = (await mailTo(TEST_EDITORS.editor)).filter((m) => m.subject.includes("редакторської панелі"));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body.html).toMatch(/<html lang="uk"/);
    expect(mails[0]!.body.text).toContain("Посилання дійсне 15 хвилин");
    const token = tokenFrom(mails[0]!, "/editor/signin");
    expect(await (await request(`/editor/signin?token=${encodeURIComponent(token)}`, { headers: { "accept-language": "uk" } })).text()).toContain("Натисніть кнопку, щоб увійти як");

    // The email as the worker hands it to SES says its language. (At a later hour of its own: one link a minute.)
    let sent: Email.Message | undefined;
    const later = new Date(Date.UTC(2090, 0, 1) + Math.floor(Math.random() * 1e9));
    expect(await Editors.sendLink(TEST_EDITORS.admin, async (message) => (sent = message), later, "uk")).toBe("sent");
    expect(sent?.language).toBe("uk");
    expect((await Email.compose(sent!)).toString("utf8")).toMatch(/^Content-Language: uk\r?$/m);
  });

  it("keeps editors' and readers' sessions apart", async () => {
    const reader = await signedIn({ email: uniqueEmail("reader-not-editor") });
    const asReader = await request("/editor", { headers: { cookie: `tidings_session=${reader.cookie}` } });
    expect(asReader.status).toBe(303);
    expect(asReader.headers.get("location")).toBe("/editor/login");
    const editorCookie = await signIn(TEST_EDITORS.editor);
    const account = await request("/account", { headers: { cookie: `tidings_session=${editorCookie}` } });
    expect(account.status).toBe(303);
    expect(account.headers.get("location")).toBe("/login");
  });

  it("signs out: by the button, after 30 minutes idle, and when the address leaves EDITORS", async () => {
    const cookie = await signIn(TEST_EDITORS.editor);
    expect((await request("/editor/logout", withCookie(cookie, form({}, { origin: "https://evil.example" })))).status).toBe(403);
    expect((await request("/editor", withCookie(cookie))).status).toBe(200);
    const out = await request("/editor/logout", withCookie(cookie, form({})));
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/tidings_editor=;/);
    expect((await request("/editor", withCookie(cookie))).status).toBe(303);

    const idle = await signIn(TEST_EDITORS.editor);
    const later = new Date(Date.now() + (Editors.Sessions.IDLE_SECONDS - 60) * 1000);
    expect(await Editors.Sessions.resume(idle, later)).toBeDefined(); // active within the window: moved on
    expect(await Editors.Sessions.resume(idle, new Date(later.getTime() + (Editors.Sessions.IDLE_SECONDS - 60) * 1000))).toBeDefined();
    const gone = new Date(later.getTime() + (2 * Editors.Sessions.IDLE_SECONDS + 60) * 1000);
    expect(await Editors.Sessions.resume(idle, gone)).toBeUndefined();
    expect((await request("/editor", withCookie(idle))).status).toBe(303); // its record is gone

    const removed = await signIn(TEST_EDITORS.editor);
    const listed = process.env.EDITORS;
    process.env.EDITORS = `${TEST_EDITORS.admin}:admin`;
    Config.reset();
    try {
      expect((await request("/editor", withCookie(removed))).status).toBe(303);
    } finally {
      process.env.EDITORS = listed;
      Config.reset();
    }
  });

  it("answers 429 past 20 link requests from one network, and sends nothing more", async () => {
    const ip = randomIp();
    for (let i = 0; i < 20; i++) expect((await postJson("/api/editor/login", { email: uniqueEmail("flood") }, ip)).status).toBe(202);
    expect((await postJson("/api/editor/login", { email: TEST_EDITORS.editor }, ip)).status).toBe(429);
    expect((await postJson("/api/editor/login", { email: "not an address" }, randomIp())).status).toBe(400);
  });
});

describe("the audit log", () => {
  it("records every editor action, from the dashboard and from tokens; only admins read it", async () => {
    const writer = await signIn(TEST_EDITORS.editor);
    expect((await request("/editor/audit", withCookie(writer))).status).toBe(403);

    const topic = `audit-${Date.now().toString(36)}`;
    expect((await editor("PUT", `/api/topics/${topic}`, { title: "Audited" })).status).toBe(201);
    const chief = await signIn(TEST_EDITORS.admin);
    const page = await request("/editor/audit", withCookie(chief));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`id=${topic}`);
    expect(html).toContain("editor (API token)");
    expect(html).toContain("PUT /api/topics/:id");
    expect(html).toContain(`${TEST_EDITORS.admin}</td>`);
    expect(html).toContain("signed in");

    const { entries } = await Db.Audit.month(new Date().toISOString().slice(0, 7));
    expect(entries.find((entry) => entry.target === `id=${topic}`)).toMatchObject({ who: "editor", via: "token", status: 201 });
    expect((await request("/editor/audit?month=2026-13", withCookie(chief))).status).toBe(400);
  });
});
