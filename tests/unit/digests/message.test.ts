import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import * as Render from "../../../core/digests/render";
import * as Email from "../../../core/email";
import * as Tokens from "../../../core/tokens";
import { digestPreview, digestPreviewReader } from "../../../templates";
import { makeInput, tokensOf, useRenderSettings } from "../../helpers/digest-render";
import { makeArticle } from "../../helpers/factories";

useRenderSettings();

const KB = 1024;
const words = (n: number, word: string) => Array.from({ length: n }, (_, i) => `${word}${i}`).join(" ");

/** 30 articles on 6 topics; `size` picks ordinary lengths or the longest the article API accepts. */
function thirtyArticles(size: "typical" | "longest") {
  const long = size === "longest";
  return Array.from({ length: 30 }, (_, i) =>
    makeArticle({
      id: `article-${i}`,
      topics: [`topic-${i % 6}`],
      title: long ? words(60, "Title").slice(0, 300) : `Harbour story number ${i}: what the council decided`,
      summary: long ? words(300, "summary").slice(0, 2000) : words(45, "word"),
      author: long ? words(30, "Author").slice(0, 200) : "Maya Quay and Tom Beacon",
      url: `https://news.example.org/2026/11/${i}/${"a-fairly-long-slug-".repeat(long ? 6 : 2)}${i}`,
    }),
  );
}

describe("a digest of 30 articles", () => {
  it.each(["typical", "longest"] as const)("stays under 90 KB of HTML with the footer intact at the end (%s lengths)", (size) => {
    for (const variant of ["free", "patron"] as const) {
      const input = makeInput({ variant, articles: thirtyArticles(size) });
      const reader = { subscriberId: "sub_01JABCDEFGHJKMNPQRSTVWXYZ0", name: "Ada Lovelace", topics: [], deliveryId: "del_01JABCDEFGHJKMNPQRSTVWXYZ0" };

      const copy = Render.personalise(Render.prepare(input), reader)!;

      const bytes = Buffer.byteLength(copy.html);
      expect(bytes).toBeLessThan(90 * KB);
      const end = copy.html.slice(-3 * KB);
      expect(end).toContain("1 Quay Street, Harbourtown HT1 2AB");
      expect(tokensOf(end, "/unsubscribe")).toHaveLength(1);
      expect(copy.html.trimEnd().endsWith("</html>")).toBe(true);
      for (const article of input.articles) expect(copy.text).toContain(`<${article.url}>`);
    }
  });
});

describe("digestMessage", () => {
  const reader = { subscriberId: "sub_01ADA", name: "Ada\r\nBcc: x@example.com", topics: [], email: "ada@example.com", deliveryId: "del_01ADA" };

  it("is the reader's copy as a marketing email with their one-click unsubscribe and the trace headers", () => {
    const prepared = Render.prepare(makeInput());

    const message = Render.digestMessage(prepared, reader)!;

    const copy = Render.personalise(prepared, reader)!;
    expect(message).toMatchObject({ subject: copy.subject, html: copy.html, text: copy.text });
    expect(message.to).toEqual({ name: "Ada Bcc: x@example.com", address: "ada@example.com" });
    expect(message.headers).toEqual({ "X-Tidings-Digest": "weekly-2026-W48", "X-Tidings-Delivery": "del_01ADA" });
    const token = new URL(message.marketing!.unsubscribeUrl).searchParams.get("token");
    expect(Tokens.verify(token, "unsubscribe").subject).toBe("sub_01ADA");
    expect(tokensOf(message.html, "/unsubscribe")).toEqual([token]);
  });

  it("composes into MIME whose parts are the copy (a hostile name cannot reach a header)", async () => {
    const message = Render.digestMessage(Render.prepare(makeInput()), reader)!;

    const mail = await simpleParser(await Email.compose(message));

    expect(mail.subject).toBe("This week in the harbour");
    expect(mail.headers.get("x-tidings-delivery")).toBe("del_01ADA");
    expect(mail.headerLines.some((line) => /^bcc/i.test(line.key))).toBe(false);
    expect(mail.text?.trim()).toBe(message.text.trim());
  });

  it("has no delivery header without a delivery id, and no display name without a name", () => {
    const message = Render.digestMessage(Render.prepare(makeInput()), { subscriberId: "sub_1", topics: [], email: "b@example.com" })!;

    expect(message.headers).toEqual({ "X-Tidings-Digest": "weekly-2026-W48" });
    expect(message.to).toBe("b@example.com");
  });

  it("test copies are the same email with [TEST] before the subject, without list or trace headers", () => {
    const message = Render.digestMessage(Render.prepare(makeInput()), reader)!;
    const { marketing, headers, ...rest } = message;
    expect(marketing).toBeDefined();
    expect(headers).toBeDefined();

    expect(Render.testCopy(message)).toEqual({ ...rest, subject: "[TEST] This week in the harbour" });
  });
});

describe("preview data", () => {
  const cases = [["free", "en"], ["patron", "en"], ["free", "uk"], ["patron", "uk"]] as const;
  it.each(cases)("renders as a %s reader in %s, fast path equal to the full one, each story once in that language", (variant, language) => {
    const input = { ...digestPreview, variant, language };
    const reader = { ...digestPreviewReader, language };

    const copy = Render.personalise(Render.prepare(input), reader)!;

    expect(copy).toEqual(Render.renderFull(input, reader));
    expect(copy.text).toContain(language === "en" ? "Hello Ada," : "Вітаємо, Ada!");
    const chosen = Render.stories(digestPreview.articles, language, "en").map((story) => story.article);
    expect(chosen).toHaveLength(6);
    for (const article of digestPreview.articles) {
      expect(copy.text.includes(`<${article.url}>`), article.id).toBe(chosen.includes(article));
    }
  });
});
