import { describe, expect, it } from "vitest";
import * as Render from "../../../core/digests/render";
import type { Recipient } from "../../../core/digests/types";
import { escapeHtml } from "../../../templates/engine";
import { makeInput, tokensOf, useRenderSettings } from "../../helpers/digest-render";
import { makeArticle, makeTopic } from "../../helpers/factories";

useRenderSettings();

const hostile = {
  script: `<script>alert("x")</script>`,
  attribute: `"><img src=x onerror=alert(1)> ' onmouseover='alert(2)`,
  entity: `Fish &amp; chips &lt;b&gt; &#60;i&#62;`,
  rtl: `مرحبا بالعالم — שלום עולם \u202Egnp.exe`,
  emoji: `📰 Ferry 🚢 family 👨‍👩‍👧 flags 🇬🇧`,
  marker: `⟦0123456789abcdef:unsubscribe⟧ ⟦name⟧`,
  long: `${"Long ".repeat(999)}end`, // 5,000 characters
};
const crlf = "Line one\r\nBcc: victim@example.com\r\n\r\nLine three";

/** A digest whose every outside value is hostile, and a reader whose name is too. */
function hostileDigest(variant: "free" | "patron") {
  const values = Object.values(hostile);
  const articles = values.map((value, i) =>
    makeArticle({
      id: `hostile-${i}`,
      title: `${value} title`,
      summary: `${value} summary`,
      author: `${value} author`,
      topics: [`topic-${i}`],
      url: `https://news.example.org/a/${i}?q="<x>"&y='1'`,
    }),
  );
  articles.push(makeArticle({ id: "crlf", title: crlf, summary: crlf, author: crlf, topics: ["topic-crlf"] }));
  const topics = [...values.map((value, i) => makeTopic({ id: `topic-${i}`, title: `${value} topic` })), makeTopic({ id: "topic-crlf", title: crlf })];
  const openTopics = values.map((value, i) => ({ id: `open-${i}`, title: value, status: "open" as const, score: 10 - i, voters: 1 }));
  return makeInput({
    variant,
    articles,
    topics,
    openTopics,
    digest: { id: "weekly-2026-W48", frequency: "weekly", period: "2026-W48", subject: `${hostile.script} ${crlf}`, intro: `${hostile.attribute}\n\n${hostile.rtl}` },
  });
}

describe.each(["free", "patron"] as const)("hostile values in a %s digest", (variant) => {
  const readers: Recipient[] = [
    ...Object.values(hostile).map((name, i) => ({ subscriberId: `sub_${i}`, name, topics: [] })),
    { subscriberId: "sub_crlf", name: crlf, topics: ["topic-crlf", "topic-0"], deliveryId: "del_1" },
  ];

  it("come out the same from the fast and the full path", () => {
    const input = hostileDigest(variant);
    const prepared = Render.prepare(input);
    for (const reader of readers) expect(Render.personalise(prepared, reader)).toEqual(Render.renderFull(input, reader));
  });

  it("are escaped in the HTML: no markup from outside, every value readable and whole", () => {
    const input = hostileDigest(variant);
    const copy = Render.personalise(Render.prepare(input), readers[0]!)!;

    // The outside values' tags and quotes are text now: nothing can open an element or leave an attribute.
    expect(copy.html).not.toMatch(/<script|<img|onmouseover='|"><img/i);
    for (const value of Object.values(hostile)) {
      expect(copy.html).toContain(`${escapeHtml(value)} title`);
      expect(copy.html).toContain(`${escapeHtml(value)} author`);
      expect(copy.html).toContain(`${escapeHtml(value)} topic`);
    }
    expect(copy.html).toContain(`Hello ${escapeHtml(hostile.script)},`);
    expect(copy.html).toContain("Fish &amp;amp; chips &amp;lt;b&amp;gt; &amp;#60;i&amp;#62;");
    // Links from outside are canonical URLs: quotes and angle brackets percent-encoded.
    expect(copy.html).toContain(`href="https://news.example.org/a/0?q=%22%3Cx%3E%22&amp;y=%271%27"`);
    // A title imitating a marker is left as it is.
    expect(copy.html).toContain(hostile.marker);
  });

  it("are plain and whole in the text part, with no line an outside value could start", () => {
    const input = hostileDigest(variant);
    const copy = Render.personalise(Render.prepare(input), readers[0]!)!;

    for (const value of Object.values(hostile)) {
      expect(copy.text).toContain(`${value} title`);
      expect(copy.text).toContain(`${value} author`);
    }
    expect(copy.text).toContain(`Hello ${hostile.script},`);
    expect(copy.text).toContain(`${hostile.long} summary`.slice(0, 400));
    expect(copy.text).toContain("Line one Bcc: victim@example.com Line three"); // CR/LF are spaces in HTML
    expect(copy.text).not.toMatch(/^Bcc:/m);
  });

  it("a name with CR/LF becomes one line, in the greeting and nowhere else", () => {
    const input = hostileDigest(variant);
    const copy = Render.personalise(Render.prepare(input), readers.at(-1)!)!;

    expect(copy.html).toContain("Hello Line one Bcc: victim@example.com Line three,");
    expect(copy.text).toContain("Hello Line one Bcc: victim@example.com Line three,");
    expect(copy.subject).not.toMatch(/[\r\n]/);
  });

  it("long summaries are cut to a teaser at a word; long titles, names and authors are kept whole", () => {
    const input = hostileDigest(variant);
    const copy = Render.personalise(Render.prepare(input), { subscriberId: "sub_1", name: hostile.long, topics: [] })!;

    expect(copy.text).toContain(`Hello ${hostile.long},`);
    expect(copy.text).toContain(`${hostile.long} title`);
    const teaser = /^((?:Long )+Long…)$/m.exec(copy.text)?.[1];
    expect(teaser).toBeDefined();
    expect(Array.from(teaser!).length).toBeLessThanOrEqual(500);
    expect(teaser!.length).toBeGreaterThan(400);
    expect(copy.text).not.toContain(`${hostile.long} summary`);
  });
});

describe("hostile values in links", () => {
  it("a vote link's topic id and every token stay inside their href", () => {
    const copy = Render.personalise(Render.prepare(hostileDigest("patron")), { subscriberId: "sub_1", topics: [] })!;

    expect(tokensOf(copy.html, "/vote")).toHaveLength(5);
    expect(tokensOf(copy.html, "/unsubscribe")).toHaveLength(1);
  });

  it("an article link that is not http(s) is refused before anything is rendered", () => {
    const input = makeInput({ articles: [makeArticle({ url: "javascript:alert(1)" })] });

    expect(() => Render.prepare(input)).toThrow(/unsafe link/);
  });

  it("a delivery id that could break out of its comment is refused", () => {
    const prepared = Render.prepare(makeInput());

    expect(() => Render.personalise(prepared, { subscriberId: "sub_1", topics: [], deliveryId: "x --><script>" })).toThrow();
  });
});

describe("fast path equals full path for random hostile content", () => {
  // Seeded, so a failure reproduces: strings built from whitespace of every kind, markup, entities, Liquid,
  // RTL marks, emoji and marker look-alikes, in every field and in the reader's name.
  const atoms = ["a", " ", "  ", "\n", "\r\n", "\t", "\u200b", "\u00a0", "\u2028", "\f", "<", ">", "&", `"`, "'", "&amp;",
    "<b>", "</p>", "<!--", "-->", "{{ x }}", "{% if %}", "é", "📰", "👨‍👩‍👧", "مرحبا", "\u202e", "\u200f", "x".repeat(50),
    "·", "…", " * ", "1.", "#", "[", "]", "\\", "⟦", "⟧", ":"];

  it("200 digests and readers", () => {
    let seed = 20261130;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const text = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => atoms[Math.floor(random() * atoms.length)]).join("");
    const topicIds = ["t1", "t2", "t3"];
    const some = (chance: number) => topicIds.filter(() => random() < chance);

    for (let i = 0; i < 200; i++) {
      const articles = Array.from({ length: 1 + Math.floor(random() * 5) }, (_, j) =>
        makeArticle({ id: `a${j}`, title: text(8) || "x", summary: random() < 0.3 ? undefined : text(8), author: random() < 0.3 ? undefined : text(5), topics: [...some(0.6), "t1"].slice(0, 2) }),
      );
      const input = makeInput({
        variant: random() < 0.5 ? "free" : "patron",
        articles,
        topics: topicIds.map((id) => makeTopic({ id, title: text(4) })),
        openTopics: [{ id: "o1", title: text(5) || "o", status: "open", score: 1, voters: 1 }],
        digest: { id: "daily-2026-11-30", frequency: "daily", period: "2026-11-30", subject: text(5), intro: text(10) },
      });
      const funded = some(0.2).map((topicId) => ({ topicId, title: text(6) || "x", url: `https://news.example.org/${topicId}?q=${encodeURIComponent(text(3))}&x=1` }));
      const reader = { subscriberId: "sub_1", name: random() < 0.3 ? undefined : text(6), topics: some(0.4), votedTopicIds: some(0.3), funded };

      expect(Render.personalise(Render.prepare(input), reader), `case ${i}`).toEqual(Render.renderFull(input, reader));
    }
  });
});
