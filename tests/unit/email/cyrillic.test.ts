/**
 * Email in Ukrainian as it leaves us: the headers in RFC 2047 encoded words that each stand on their own, lines
 * folded within 78 characters, Content-Language from the rendered email, a plain-text part that reads well, and a
 * Message-ID of our own domain, the same for every attempt at one delivery.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { simpleParser } from "mailparser";
import * as Config from "../../../core/config";
import * as Render from "../../../core/digests/render";
import * as Email from "../../../core/email";
import * as I18n from "../../../core/i18n";
import * as Templates from "../../../templates";
import { digestInput, outlets, postalAddress, reader } from "../../helpers/deliverability";
import { settings } from "../../helpers/digest-render";

const saved = { ...process.env };
const outlet = "Портова газета — новини Гавані щотижня";
const subject = "Нічний пором уже скоро, а шторм обійшовся недешево: що ще змінилося в місті цього тижня";
const name = "Оксана Коваленко-Шевчук";

function configure(overrides: Record<string, string> = {}): void {
  delete process.env.MAIL_REPLY_TO;
  delete process.env.UNSUBSCRIBE_MAILTO;
  Object.assign(process.env, settings, { OUTLET_NAME: outlet, MAIL_FROM: `${outlet} <news@example.org>` }, overrides);
  Config.reset();
}

function message(overrides: Partial<Email.Message> = {}): Email.Message {
  return {
    to: { name, address: "oksana@example.com" },
    subject,
    html: "<p>Привіт!</p>",
    text: "Привіт!",
    language: "uk",
    ...overrides,
  };
}

/** The header section as sent: every line, folded lines kept apart. */
function headerLines(raw: Buffer): string[] {
  return raw.toString("latin1").split("\r\n\r\n", 1)[0]!.split("\r\n");
}

/** One header, unfolded. */
function header(raw: Buffer, headerName: string): string {
  const unfolded = raw.toString("latin1").split("\r\n\r\n", 1)[0]!.replace(/\r\n[ \t]/g, " ");
  const line = unfolded.split("\r\n").find((l) => l.toLowerCase().startsWith(`${headerName.toLowerCase()}:`));
  if (line === undefined) throw new Error(`no ${headerName} header`);
  return line.slice(headerName.length + 1).trim();
}

/** Decodes one encoded word on its own, throwing unless it is whole UTF-8 (RFC 2047 §5: whole characters). */
function decodeWord(word: string): string {
  const [, charset, encoding, text] = /^=\?([^?]+)\?([BQ])\?([^?]*)\?=$/i.exec(word)!;
  expect(charset!.toUpperCase()).toBe("UTF-8");
  const bytes =
    encoding!.toUpperCase() === "B"
      ? Buffer.from(text!, "base64")
      : Buffer.from(text!.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1");
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

const ENCODED_WORD = /=\?[^?\s]+\?[BQ]\?[^?\s]*\?=/gi;

beforeAll(() => I18n.load());
beforeEach(() => configure());
afterAll(() => {
  process.env = saved;
  Config.reset();
});

describe("Ukrainian headers", () => {
  it("are encoded words of at most 75 characters, each whole UTF-8, on lines of at most 78, with no 8-bit byte", async () => {
    configure({ MAIL_REPLY_TO: "Листи до редакції <letters@example.org>" });
    const raw = await Email.compose(message({ marketing: { unsubscribeUrl: "https://news.example.org/unsubscribe?token=t" } }));

    for (const line of headerLines(raw)) expect(line.length, line).toBeLessThanOrEqual(78);
    expect(raw.toString("latin1").split("\r\n\r\n", 1)[0]).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    for (const field of ["Subject", "From", "To", "Reply-To", "List-ID"]) {
      const words = header(raw, field).match(ENCODED_WORD) ?? [];
      expect(words.length, field).toBeGreaterThan(0);
      for (const word of words) {
        expect(word.length, word).toBeLessThanOrEqual(75);
        expect(() => decodeWord(word), word).not.toThrow();
      }
    }
    // Cyrillic goes as base64, a third the length of Q's =D0=9D…
    expect(header(raw, "Subject")).toMatch(/^=\?UTF-8\?B\?/);
  });

  it("parse back to the same subject and names", async () => {
    configure({ MAIL_REPLY_TO: "Листи до редакції <letters@example.org>" });

    const mail = await simpleParser(await Email.compose(message({ marketing: { unsubscribeUrl: "https://news.example.org/u?token=t" } })));

    expect(mail.subject).toBe(subject);
    expect(mail.from?.value).toEqual([{ name: outlet, address: "news@example.org" }]);
    expect(mail.to).toMatchObject({ value: [{ name, address: "oksana@example.com" }] });
    expect(mail.replyTo?.value).toEqual([{ name: "Листи до редакції", address: "letters@example.org" }]);
    // mailparser leaves List-Id's phrase encoded: adjacent encoded words join without the space between them.
    const listId = (mail.headers.get("list") as { id: { name: string; id: string } }).id;
    expect(listId.id).toBe("newsletter.news.example.org");
    expect(listId.name.match(ENCODED_WORD)!.map(decodeWord).join("")).toBe(outlet);
  });

  it("keep a mostly Latin header readable (Q), as before", async () => {
    const raw = await Email.compose(message({ subject: "Grüße aus dem Hafen", to: "ada@example.com" }));

    expect(header(raw, "Subject")).toMatch(/^=\?UTF-8\?Q\?Gr=C3=BC/);
  });

  it("say the email's language in Content-Language, and none when it has none", async () => {
    expect(header(await Email.compose(message()), "Content-Language")).toBe("uk");
    expect(() => header(Buffer.from(""), "Content-Language")).toThrow();
    const mail = await simpleParser(await Email.compose(message({ language: undefined })));
    expect(mail.headers.has("content-language")).toBe(false);
  });
});

describe("a rendered email's language reaches Content-Language", () => {
  it.each(["en", "uk"])("sign-in email in %s", async (language) => {
    const rendered = Templates.signin({ ...Templates.previews.signin, language });

    const mail = await simpleParser(await Email.compose({ to: "oksana@example.com", ...rendered }));

    expect(mail.headers.get("content-language")).toBe(language);
    expect(mail.subject).toBe(rendered.subject);
  });

  it.each(["en", "uk"] as const)("the digest for a reader of %s", async (language) => {
    const email = Render.digestMessage(Render.prepare(digestInput(language, "free")), reader(language))!;

    const mail = await simpleParser(await Email.compose(email));

    expect(mail.headers.get("content-language")).toBe(language);
    expect(mail.subject).toBe(email.subject);
  });
});

describe("the text part", () => {
  /** A template's preview in `language`. */
  const template = (name: "welcome" | "signin", language: string) =>
    (Templates[name] as (data: unknown) => Templates.Rendered)({ ...Templates.previews[name], language, postalAddress });
  const emails = (language: "en" | "uk") => {
    configure({ OUTLET_NAME: outlets[language].name, MAIL_FROM: outlets[language].mailFrom });
    return {
      digest: Render.digestMessage(Render.prepare(digestInput(language, "patron")), reader(language))!,
      welcome: { to: "a@example.com", ...template("welcome", language) },
      signin: { to: "a@example.com", ...template("signin", language) },
    };
  };

  it.each(["en", "uk"] as const)("reads as text in %s: no markup, no entities, no hidden preheader", (language) => {
    for (const [kind, email] of Object.entries(emails(language))) {
      expect(email.text, kind).not.toMatch(/<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>|&[a-z]+;|&#\d+;|\{\{|\{%/i);
      expect(email.text, kind).not.toMatch(/[\u200b-\u200d\u00ad]/); // the preheader's zero-width padding
      const preheader = /<div class="preheader"[^>]*>([^<&\u200c]+)/.exec(email.html)?.[1]?.trim();
      expect(preheader, kind).toBeTruthy();
      expect(email.text.startsWith(preheader!), kind).toBe(false);
      expect(email.text, kind).not.toMatch(/\n{3,}|[ \t]+\n/);
    }
  });

  it.each(["en", "uk"] as const)("shows every link of the HTML as `label <URL>` in %s", (language) => {
    for (const [kind, email] of Object.entries(emails(language))) {
      const links = [...email.html.matchAll(/<a [^>]*href="(https?:[^"]+)"[^>]*>([^<]+)<\/a>/g)];
      expect(links.length, kind).toBeGreaterThan(0);
      for (const [, href, label] of links) {
        const url = href!.replace(/&amp;/g, "&");
        const text = label!.replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"').trim();
        if (text === url) expect(email.text, kind).toContain(url);
        else expect(email.text, kind).toContain(`${text} <${url}>`);
      }
    }
  });

  it("keeps Cyrillic intact through quoted-printable, in lines of at most 76", async () => {
    const { digest } = emails("uk");

    const raw = await Email.compose(digest);
    const mail = await simpleParser(raw);

    expect(digest.text).toMatch(/[А-Яа-яІіЇїЄєҐґ]{4,}/);
    expect(mail.text).toBe(digest.text);
    expect(mail.html).toBe(digest.html);
    const body = raw.toString("latin1").split("\r\n\r\n").slice(1).join("\r\n\r\n");
    expect(body.match(/Content-Transfer-Encoding: quoted-printable/g)).toHaveLength(2);
    expect(body).not.toMatch(/[^\r]\n|\r[^\n]/); // CRLF only
    for (const line of body.split("\r\n")) expect(line.length).toBeLessThanOrEqual(76);
  });
});

describe("Message-ID", () => {
  const delivery = { "X-Tidings-Digest": "weekly-2026-W49", "X-Tidings-Delivery": "sub_01JUKREADER" };
  const messageId = async (overrides: Partial<Email.Message> = {}) => header(await Email.compose(message(overrides)), "Message-ID");

  it("is ours: 32 hex digits at the domain of MAIL_FROM", async () => {
    expect(await messageId()).toMatch(/^<[0-9a-f]{32}@example\.org>$/);

    configure({ MAIL_FROM: "news@Новини.example" });
    expect(await messageId()).toMatch(/^<[0-9a-f]{32}@xn--[a-z0-9-]+\.example>$/);
  });

  it("is the same for every attempt at one delivery, and differs between deliveries", async () => {
    const first = await messageId({ headers: delivery });

    expect(await messageId({ headers: delivery, subject: "Інша тема" })).toBe(first);
    expect(await messageId({ headers: { ...delivery, "X-Tidings-Delivery": "sub_01JOTHER" } })).not.toBe(first);
    expect(await messageId({ headers: { ...delivery, "X-Tidings-Digest": "weekly-2026-W50" } })).not.toBe(first);
  });

  it("is new for every email that is not a delivery (transactional mail, test copies)", async () => {
    expect(await messageId()).not.toBe(await messageId());
  });
});
