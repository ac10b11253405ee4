import { describe, it, expect, beforeEach, afterAll } from "vitest";
import { simpleParser, type ParsedMail } from "mailparser";
import * as Config from "../../../core/config";
import * as Email from "../../../core/email";
import * as Templates from "../../../templates";

const base = {
  PUBLIC_URL: "https://news.example.org",
  SIGNING_SECRET: "unit-test-signing-secret-0123456789abcdef",
  EDITOR_TOKENS: "editor:test-editor-token-0123456789abcdefghijklmnop",
  MAIL_FROM: "The Harbour Gazette <news@example.org>",
  POSTAL_ADDRESS: "1 Quay Street, Harbourtown HT1 2AB",
  OUTLET_NAME: "The Harbour Gazette",
  TABLE_NAME: "unit-email",
  // Nothing listens here: a test that reached SES would fail with a connection error, not the one expected.
  SES_ENDPOINT: "http://127.0.0.1:9",
};
const optionalSettings = ["MAIL_REPLY_TO", "UNSUBSCRIBE_MAILTO", "SES_CONFIGURATION_SET"] as const;
const saved = { ...process.env };

function configure(overrides: Record<string, string> = {}) {
  for (const name of optionalSettings) delete process.env[name];
  Object.assign(process.env, base, overrides);
  Config.reset();
  Email.resetClient();
}

function makeMessage(overrides: Partial<Email.Message> = {}): Email.Message {
  return {
    to: { name: "Ada Reader", address: "ada@example.com" },
    subject: "This week in the harbour",
    html: "<p>Hello <b>there</b></p>",
    text: "Hello there",
    ...overrides,
  };
}

const marketing = { unsubscribeUrl: "https://news.example.org/api/unsubscribe?token=tok_abc.def" };

async function parse(message: Email.Message): Promise<ParsedMail> {
  return simpleParser(await Email.compose(message));
}

/** The header as written (unfolded), or undefined: mailparser folds all List-* headers into one object. */
function header(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.replace(/\r\n[ \t]+/g, " ").replace(/^[^:]+:\s*/, "");
}

beforeEach(() => configure());
afterAll(() => {
  process.env = saved;
  Config.reset();
});

describe("compose", () => {
  it("builds a UTF-8 text and HTML alternative from MAIL_FROM to the recipient", async () => {
    const mail = await parse(makeMessage());

    expect(mail.html).toContain("Hello <b>there</b>");
    expect(mail.text?.trim()).toBe("Hello there");
    expect(mail.headers.get("content-type")).toMatchObject({ value: "multipart/alternative" });
    expect(mail.from?.value).toEqual([{ name: "The Harbour Gazette", address: "news@example.org" }]);
    expect(mail.to).toMatchObject({ value: [{ name: "Ada Reader", address: "ada@example.com" }] });
    expect(mail.subject).toBe("This week in the harbour");
    expect(mail.replyTo).toBeUndefined();
  });

  it("adds Reply-To when MAIL_REPLY_TO is configured", async () => {
    configure({ MAIL_REPLY_TO: "letters@example.org" });

    const mail = await parse(makeMessage());

    expect(mail.replyTo?.value).toEqual([{ name: "", address: "letters@example.org" }]);
  });

  it("gives marketing mail the one-click List-Unsubscribe headers and a List-Id", async () => {
    const mail = await parse(makeMessage({ marketing }));

    expect(header(mail, "List-Unsubscribe")).toBe(`<${marketing.unsubscribeUrl}>`);
    expect(header(mail, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(header(mail, "List-Id")).toBe(`"The Harbour Gazette" <newsletter.news.example.org>`);
  });

  it("adds the mailto unsubscribe after the https one when UNSUBSCRIBE_MAILTO is configured", async () => {
    configure({ UNSUBSCRIBE_MAILTO: "mailto:unsubscribe@example.org?subject=unsubscribe" });

    const mail = await parse(makeMessage({ marketing: { ...marketing, listId: "weekly.news.example.org" } }));

    expect(header(mail, "List-Unsubscribe")).toBe(
      `<${marketing.unsubscribeUrl}>, <mailto:unsubscribe@example.org?subject=unsubscribe>`,
    );
    expect(header(mail, "List-Id")).toBe(`"The Harbour Gazette" <weekly.news.example.org>`);
  });

  it("gives transactional mail none of the List-* headers", async () => {
    configure({ UNSUBSCRIBE_MAILTO: "unsubscribe@example.org" });

    const mail = await parse(makeMessage());

    expect(mail.headerLines.filter((h) => h.key.startsWith("list-"))).toEqual([]);
  });

  it("carries trace headers such as X-Tidings-Delivery and X-Tidings-Digest", async () => {
    const mail = await parse(
      makeMessage({ marketing, headers: { "X-Tidings-Delivery": "del_01JTEST", "X-Tidings-Digest": "dig_01JTEST" } }),
    );

    expect(mail.headers.get("x-tidings-delivery")).toBe("del_01JTEST");
    expect(mail.headers.get("x-tidings-digest")).toBe("dig_01JTEST");
  });

  it("round-trips a non-ASCII subject and name", async () => {
    const subject = "Grüße aus Köln — «Hafen» ✉ 港";

    const mail = await parse(makeMessage({ subject, to: { name: "Zoë Ñandú", address: "zoe@example.com" } }));

    expect(mail.subject).toBe(subject);
    expect(mail.to).toMatchObject({ value: [{ name: "Zoë Ñandú", address: "zoe@example.com" }] });
  });

  it("accepts a bare address as recipient", async () => {
    const mail = await parse(makeMessage({ to: "bare@example.com" }));

    expect(mail.to).toMatchObject({ value: [{ address: "bare@example.com" }] });
  });
});

describe("compose refuses unsafe headers", () => {
  const unsafe = ["\r\nBcc: victim@example.com", "\nX-Injected: 1", "line\rbreak", "nul\0byte"];

  it.each(unsafe)("in the subject (%j)", async (bad) => {
    await expect(Email.compose(makeMessage({ subject: `Hello ${bad}` }))).rejects.toThrow(Email.UnsafeHeaderError);
  });

  it.each(unsafe)("in the recipient's name (%j)", async (bad) => {
    const to = { name: `Ada ${bad}`, address: "ada@example.com" };
    await expect(Email.compose(makeMessage({ to }))).rejects.toThrow(Email.UnsafeHeaderError);
  });

  it.each(unsafe)("in the recipient's address (%j)", async (bad) => {
    await expect(Email.compose(makeMessage({ to: `ada@example.com${bad}` }))).rejects.toThrow(Email.UnsafeHeaderError);
  });

  it.each(unsafe)("in a custom header value (%j)", async (bad) => {
    const headers = { "X-Tidings-Delivery": `del_1${bad}` };
    await expect(Email.compose(makeMessage({ headers }))).rejects.toThrow(Email.UnsafeHeaderError);
  });

  it.each(unsafe)("in the unsubscribe URL (%j)", async (bad) => {
    const message = makeMessage({ marketing: { unsubscribeUrl: `https://news.example.org/u?t=1${bad}` } });
    await expect(Email.compose(message)).rejects.toThrow(Email.UnsafeHeaderError);
  });

  // An environment variable cannot hold NUL (the OS ends the string there), so only CR and LF apply here.
  it.each(unsafe.filter((bad) => !bad.includes("\0")))("in a configured sender (%j)", async (bad) => {
    configure({ MAIL_FROM: `news@example.org${bad}` });
    await expect(Email.compose(makeMessage())).rejects.toThrow(Email.UnsafeHeaderError);
  });

  it("in a header name, or a header core/email sets itself", async () => {
    for (const name of ["X-Bad\r\nBcc", "X Bad", "Bcc", "List-Unsubscribe", "Content-Type", "From"]) {
      await expect(Email.compose(makeMessage({ headers: { [name]: "x" } }))).rejects.toThrow(Email.UnsafeHeaderError);
    }
  });

  it("a second recipient smuggled into the address, or a non-http unsubscribe URL", async () => {
    await expect(Email.compose(makeMessage({ to: "a@example.com, b@example.com" }))).rejects.toThrow(
      Email.UnsafeHeaderError,
    );
    await expect(
      Email.compose(makeMessage({ marketing: { unsubscribeUrl: "javascript:alert(1)" } })),
    ).rejects.toThrow(Email.UnsafeHeaderError);
  });

  // Found by tests/adversarial/fuzz.test.ts: an encoded word has no CR/LF as typed, but mail clients decode it.
  it("an encoded word hiding CR/LF, in the subject or the recipient's name", async () => {
    const hidden = "=?UTF-8?B?RXZlDQpCY2M6IHhAZXZpbC5leGFtcGxl?="; // "Eve\r\nBcc: x@evil.example"
    await expect(Email.compose(makeMessage({ subject: `News ${hidden}` }))).rejects.toThrow(Email.UnsafeHeaderError);
    const to = { name: hidden, address: "ada@example.com" };
    await expect(Email.compose(makeMessage({ to }))).rejects.toThrow(Email.UnsafeHeaderError);
    await expect(Email.compose(makeMessage({ subject: "Prices = ? and ?= signs" }))).resolves.toBeInstanceOf(Buffer);
  });

  it("send() throws before contacting SES", async () => {
    await expect(Email.send(makeMessage({ subject: "Hi\r\nBcc: x@example.com" }))).rejects.toThrow(
      Email.UnsafeHeaderError,
    );
  });
});

describe("templates", () => {
  const confirmationData = {
    outletName: "The Harbour Gazette",
    confirmUrl: "https://news.example.org/confirm?token=tok_confirm.123",
    postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
  };

  it("the confirmation never contains the subscriber's name, even when passed one", () => {
    const data = { ...confirmationData, name: "Mallory Zebediah", firstName: "Mallory" };

    const email = Templates.confirmation(data as Templates.ConfirmationData);

    for (const part of [email.subject, email.html, email.text]) expect(part).not.toContain("Mallory");
  });

  it("the confirmation escapes <script> in every outside value", () => {
    const script = "<script>alert(1)</script>";

    const email = Templates.confirmation({
      outletName: `Gazette ${script}`,
      postalAddress: `1 Quay ${script}`,
      confirmUrl: `https://news.example.org/confirm?token=x"${script}`,
    });

    expect(email.html).not.toContain("<script");
    expect(email.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("the confirmation's text part has the confirm URL, the 7-day validity and the ignore-it line", () => {
    const email = Templates.confirmation(confirmationData);

    expect(email.text).toContain(confirmationData.confirmUrl);
    expect(email.text).toContain("7 days");
    expect(email.text).toMatch(/didn't sign up, you can ignore/);
    expect(email.text).toContain(confirmationData.postalAddress);
    expect(email.html).toContain(`href="${confirmationData.confirmUrl}"`);
  });

  it("refuses a link that is not http(s)", () => {
    expect(() => Templates.confirmation({ ...confirmationData, confirmUrl: "javascript:alert(1)" })).toThrow();
  });

  it("the welcome email escapes the name and lists the topics and frequency", () => {
    const email = Templates.welcome({ ...Templates.previews.welcome, name: "<img src=x onerror=alert(1)>" });

    expect(email.html).not.toContain("<img src=x");
    expect(email.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(email.text).toContain("Harbour");
    expect(email.text).toContain("once a week");
    expect(email.text).toContain(Templates.previews.welcome.unsubscribeUrl);
    expect(email.text).toContain(Templates.previews.welcome.manageUrl);
  });

  it("the already-subscribed email has no name and a manage-preferences link", () => {
    const email = Templates.alreadySubscribed({
      ...Templates.previews.alreadySubscribed,
      name: "Mallory",
    } as Templates.AlreadySubscribedData);

    expect(email.html).not.toContain("Mallory");
    expect(email.text).toContain(Templates.previews.alreadySubscribed.manageUrl);
  });

  it.each(Object.keys(Templates.previews) as (keyof typeof Templates.previews)[])(
    "%s renders its preview with a subject, a hidden preheader and the postal address",
    (name) => {
      const render = Templates[name] as (data: unknown) => Templates.Rendered;

      const email = render(Templates.previews[name]);

      expect(email.subject).toBeTruthy();
      expect(email.html).toMatch(/<div class="preheader" style="display:none/);
      expect(email.html).toContain("1 Quay Street");
      expect(email.text).toContain("1 Quay Street");
    },
  );

  it("a rendered template composes into a sendable email", async () => {
    const mail = await parse({ to: "ada@example.com", ...Templates.confirmation(confirmationData) });

    expect(mail.subject).toBe("Confirm your subscription to The Harbour Gazette");
    expect(mail.text).toContain(confirmationData.confirmUrl);
    expect(mail.html).toContain("Confirm my subscription");
  });
});
