import { describe, expect, it } from "vitest";
import * as Render from "../../../core/digests/render";
import type { Recipient } from "../../../core/digests/types";
import * as Tokens from "../../../core/tokens";
import { hrefs, makeInput, tokensOf, useRenderSettings } from "../../helpers/digest-render";
import { makeArticle, makeTopic } from "../../helpers/factories";

useRenderSettings();

const names = { "without a name": undefined, "with a name": "Ada Lovelace" };
const follows = { "following all topics": [], "following some topics": ["council", "transport"] };

describe("render once, personalise per reader: the same bytes as rendering the whole template", () => {
  for (const variant of ["free", "patron"] as const) {
    for (const [nameCase, name] of Object.entries(names)) {
      for (const [followCase, topics] of Object.entries(follows)) {
        it(`a ${variant} reader ${nameCase}, ${followCase}`, () => {
          const input = makeInput({ variant });
          const reader: Recipient = { subscriberId: "sub_01READER", name, topics, votedTopicIds: ["transport"] };

          const fast = Render.personalise(Render.prepare(input), reader);
          const slow = Render.renderFull(input, reader);

          expect(fast).not.toBeNull();
          expect(fast!.html).toBe(slow!.html);
          expect(fast!.text).toBe(slow!.text);
          expect(fast).toEqual(slow);
        });
      }
    }
  }

  it("with a delivery id, many readers from one preparation, and a preparation that went through JSON", () => {
    const input = makeInput({ variant: "patron" });
    const prepared = JSON.parse(JSON.stringify(Render.prepare(input))) as Render.Prepared;

    for (let i = 0; i < 20; i++) {
      const reader: Recipient = {
        subscriberId: `sub_${i}`,
        name: i % 2 ? `Reader ${i}` : undefined,
        topics: [[], ["harbour"], ["council"], ["transport", "harbour"]][i % 4]!,
        votedTopicIds: i % 3 ? ["harbour"] : [],
        deliveryId: `del_${i}`,
      };
      expect(Render.personalise(prepared, reader)).toEqual(Render.renderFull(input, reader));
    }
  });

  it("leaves no marker behind and names the delivery in an HTML comment only", () => {
    const copy = Render.personalise(Render.prepare(makeInput()), { subscriberId: "sub_1", topics: [], deliveryId: "del_01ABC" })!;

    expect(copy.html).not.toMatch(/[⟦⟧]/);
    expect(copy.text).not.toMatch(/[⟦⟧]/);
    expect(copy.html).toContain("<!-- tidings-delivery del_01ABC -->");
    expect(copy.text).not.toContain("del_01ABC");
  });
});

describe("what a reader gets", () => {
  it("their followed topics' articles, grouped by topic, sections and articles newest first", () => {
    const input = makeInput();
    const copy = Render.personalise(Render.prepare(input), { subscriberId: "sub_1", topics: ["council", "transport"] })!;

    const order = ["ferry", "bus", "budget"].map((id) => copy.text.indexOf(`/articles/${id}>`));
    expect(order.every((at) => at > 0)).toBe(true);
    // Transport (newest: ferry, then bus) before Council (budget); storm is on harbour only: not theirs.
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(copy.text.indexOf("Transport")).toBeLessThan(copy.text.indexOf("Council"));
    expect(copy.text).not.toContain("/articles/storm");
  });

  it("an article on two followed topics once, in the section of its first (primary) topic", () => {
    const copy = Render.personalise(Render.prepare(makeInput()), { subscriberId: "sub_1", topics: ["transport", "harbour"] })!;

    expect(copy.html.split("/articles/ferry").length - 1).toBe(1);
    expect(copy.text.split("/articles/ferry").length - 1).toBe(1);
    // ferry's topics are [harbour, transport]: it sits under Harbour, before storm.
    expect(copy.text.indexOf("Harbour")).toBeLessThan(copy.text.indexOf("/articles/ferry"));
    expect(copy.text.indexOf("/articles/ferry")).toBeLessThan(copy.text.indexOf("/articles/storm"));
  });

  it("the text part holds every article URL of the reader", () => {
    const input = makeInput();
    const copy = Render.personalise(Render.prepare(input), { subscriberId: "sub_1", topics: [] })!;

    for (const article of input.articles) expect(copy.text).toContain(`<${article.url}>`);
  });

  it("nothing for a reader who follows only topics without articles: null, never an empty email", () => {
    const input = makeInput({ variant: "patron" });
    const reader = { subscriberId: "sub_1", topics: ["schools", "no-such-topic"], email: "a@example.com" };

    expect(Render.personalise(Render.prepare(input), reader)).toBeNull();
    expect(Render.renderFull(input, reader)).toBeNull();
    expect(Render.digestMessage(Render.prepare(input), reader)).toBeNull();
  });

  it("a hidden preheader of the reader's first titles, absent from the text part", () => {
    const input = makeInput();
    input.articles.find((article) => article.id === "budget")!.title = `Where the "parking" money goes`;

    const copy = Render.personalise(Render.prepare(input), { subscriberId: "sub_1", topics: ["council"] })!;

    expect(copy.preheader).toBe(`Where the "parking" money goes`);
    expect(copy.html).toMatch(/<div class="preheader" style="display:none[^>]*>Where the &quot;parking&quot; money goes&#8204;/);
    expect(copy.text.startsWith("The Harbour Gazette")).toBe(true);
  });
});

describe("links per reader", () => {
  it("manage-preferences and unsubscribe links whose tokens verify for that subscriber", () => {
    const copy = Render.personalise(Render.prepare(makeInput()), { subscriberId: "sub_01ADA", topics: [] })!;

    const [manage] = tokensOf(copy.html, "/preferences");
    const [unsubscribe] = tokensOf(copy.html, "/unsubscribe");
    expect(Tokens.verify(manage, "manage").subject).toBe("sub_01ADA");
    expect(Tokens.verify(unsubscribe, "unsubscribe").subject).toBe("sub_01ADA");
    expect(copy.text).toContain(`Unsubscribe <https://news.example.org/unsubscribe?token=${unsubscribe}>`);
  });

  it("patrons: the vote block with one-click links that verify as votes of that subscriber for that topic", () => {
    const input = makeInput({ variant: "patron" });
    const copy = Render.personalise(Render.prepare(input), { subscriberId: "sub_01PAT", topics: [] })!;

    expect(copy.html).toContain("Vote on what we cover next");
    const votes = tokensOf(copy.html, "/vote").map((token) => Tokens.verify(token, "vote", input.now).subject);
    expect(votes).toEqual(["sub_01PAT~housing", "sub_01PAT~night-buses"]); // open topics only, top score first
    expect(copy.html).not.toContain("Become a patron");
    expect(copy.html).not.toContain("/join?tier=");
  });

  it("free readers: the patron invitation with the price of a coffee and join links, and no vote links", () => {
    const copy = Render.personalise(Render.prepare(makeInput({ variant: "free" })), { subscriberId: "sub_1", topics: [] })!;

    expect(copy.html).toContain("Become a patron");
    expect(copy.text).toContain("For the price of a coffee, €5 a month,");
    expect(copy.text).toContain("Yearly: €50 a year.");
    // Each carries the digest it came from (attribution), the same for every reader of the digest.
    expect(hrefs(copy.html)).toContain("https://news.example.org/join?tier=coffee&src=digest:weekly-2026-W48");
    expect(hrefs(copy.html)).toContain("https://news.example.org/join?tier=yearly&src=digest:weekly-2026-W48");
    expect(tokensOf(copy.html, "/vote")).toEqual([]);
    expect(copy.html).not.toContain("Vote on what we cover next");
  });

  it("a preview reader (previews, test copies): every link of the reader's own leads to the preview page, with no token", () => {
    for (const variant of ["free", "patron"] as const) {
      const input = makeInput({ variant });
      const reader: Recipient = { subscriberId: "sub_01ADA", name: "Ada", topics: [], votedTopicIds: ["transport"], preview: true };

      const copy = Render.personalise(Render.prepare(input), reader)!;

      expect(copy).toEqual(Render.renderFull(input, reader));
      const own = hrefs(copy.html).filter((href) => !/\/(articles|join)\b/.test(new URL(href).pathname));
      expect(own.sort()).toEqual(
        [
          "https://news.example.org/preview-link?link=manage",
          "https://news.example.org/preview-link?link=unsubscribe",
          ...(variant === "patron" ? ["https://news.example.org/preview-link?link=vote", "https://news.example.org/preview-link?link=vote"] : []),
        ].sort(),
      );
      expect(`${copy.html}\n${copy.text}`).not.toMatch(/token=|sub_01ADA/);
      expect(copy.text).toContain("https://news.example.org/preview-link?link=unsubscribe");
    }
  });

  it("patrons who voted for a covered topic see 'You asked, we covered it' first; free readers never", () => {
    const input = makeInput({
      variant: "patron",
      topics: [makeTopic({ id: "harbour" }), makeTopic({ id: "council" }), makeTopic({ id: "ferries", status: "covered", articleIds: ["budget"] })],
    });
    const reader = { subscriberId: "sub_1", topics: ["harbour"], votedTopicIds: ["ferries"] };

    const copy = Render.personalise(Render.prepare(input), reader)!;
    const asked = copy.text.indexOf("You asked, we covered it");
    expect(asked).toBeGreaterThan(0);
    expect(copy.text).toContain("You voted for Ferries.");
    expect(asked).toBeLessThan(copy.text.indexOf("/articles/budget"));
    expect(copy.text.indexOf("/articles/budget")).toBeLessThan(copy.text.indexOf("/articles/ferry>"));

    const free = Render.personalise(Render.prepare({ ...input, variant: "free" }), reader)!;
    expect(free.text).not.toContain("You asked");
    expect(free.text).not.toContain("/articles/budget");
  });

  it("a reader who funded covered topics sees 'You funded it, we covered it' first, linking to what was published", () => {
    const input = makeInput({ variant: "free" });
    const funded = [
      { topicId: "bridges", title: "Dnipro <bridges> & ferries", url: "https://news.example.org/bridges?a=1&b=2" },
      { topicId: "water", title: "Kherson's water", url: "https://news.example.org/topics" },
    ];
    const reader = { subscriberId: "sub_1", topics: ["harbour"], funded };

    const copy = Render.personalise(Render.prepare(input), reader)!;
    expect(copy).toEqual(Render.renderFull(input, reader));
    expect(copy.text).toContain("You gave towards Dnipro <bridges> & ferries. Thank you: read what we published <https://news.example.org/bridges?a=1&b=2>.");
    expect(copy.html).toContain('<strong>Dnipro &lt;bridges&gt; &amp; ferries</strong>');
    expect(copy.html).toContain('href="https://news.example.org/bridges?a=1&amp;b=2"');
    expect(copy.text.indexOf("Kherson's water")).toBeLessThan(copy.text.indexOf("/articles/"));
    expect(copy.preheader).toMatch(/^You funded it, we covered it: Dnipro <bridges> & ferries · You funded it, we covered it: Kherson's water · /);

    // With nothing else for them in this digest, the notice alone still goes; without notices they are skipped.
    const elsewhere = { subscriberId: "sub_1", topics: ["schools"], funded };
    expect(Render.personalise(Render.prepare(input), elsewhere)).toEqual(Render.renderFull(input, elsewhere));
    expect(Render.personalise(Render.prepare(input), elsewhere)!.text).not.toContain("/articles/");
    expect(Render.personalise(Render.prepare(input), { ...elsewhere, funded: [] })).toBeNull();
  });

  it("a reader who asked for a covered topic but follows none of this digest's topics still gets it", () => {
    const input = makeInput({ variant: "patron" });
    const reader = { subscriberId: "sub_1", topics: ["schools"], votedTopicIds: ["council"] };

    const copy = Render.personalise(Render.prepare(input), reader)!;

    expect(copy.text).toContain("/articles/budget");
    expect(copy).toEqual(Render.renderFull(input, reader));
  });
});
