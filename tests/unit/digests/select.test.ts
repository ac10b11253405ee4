import { describe, expect, it } from "vitest";
import { price, select } from "../../../core/digests/render";
import type { Plan } from "../../../core/digests/render/types";

/** Articles newest first, as `prepare` plans them. */
const plan: Plan = {
  variant: "patron",
  language: "en",
  articles: [
    { id: "a", title: "A", topics: ["harbour", "transport"], covers: ["harbour", "transport"] },
    { id: "b", title: "B", topics: ["council"], covers: ["council", "budget"] },
    { id: "c", title: "C", topics: ["transport"], covers: ["transport"] },
    { id: "d", title: "D", topics: ["harbour"], covers: ["harbour"] },
  ],
};

describe("select", () => {
  it("groups by followed topic, sections ordered by their newest article", () => {
    expect(select(plan, { topics: ["transport", "council"] })).toEqual({
      funded: [],
      asked: [],
      sections: [
        { topicId: "transport", articleIds: ["a", "c"] },
        { topicId: "council", articleIds: ["b"] },
      ],
      articleIds: ["a", "c", "b"],
    });
  });

  it("puts an article on two followed topics in the section of its first topic only", () => {
    const selection = select(plan, { topics: ["transport", "harbour"] })!;

    expect(selection.sections).toEqual([
      { topicId: "harbour", articleIds: ["a", "d"] },
      { topicId: "transport", articleIds: ["c"] },
    ]);
  });

  it("gives a reader who follows nothing every article, under each article's first topic", () => {
    expect(select(plan, { topics: [] })!.articleIds).toEqual(["a", "d", "b", "c"]); // harbour, council, transport
  });

  it("shows a patron's covered votes first, and not again in the sections", () => {
    const selection = select(plan, { topics: [], votedTopicIds: ["budget", "transport"] })!;

    expect(selection.asked).toEqual([
      { topicId: "transport", articleIds: ["a", "c"] },
      { topicId: "budget", articleIds: ["b"] },
    ]);
    expect(selection.sections).toEqual([{ topicId: "harbour", articleIds: ["d"] }]);
  });

  it("ignores votes in the free variant", () => {
    expect(select({ ...plan, variant: "free" }, { topics: ["harbour"], votedTopicIds: ["council"] })!.asked).toEqual([]);
  });

  it("is null when the reader has nothing to read", () => {
    expect(select(plan, { topics: ["schools"] })).toBeNull();
    expect(select({ ...plan, articles: [] }, { topics: [] })).toBeNull();
  });

  it("gives a reader who funded a covered topic its notice, in either variant, even with nothing else to read", () => {
    const funded = [{ topicId: "bridges", title: "  The\nbridges\u200b ", url: "https://news.example.org/bridges" }];
    for (const variant of ["free", "patron"] as const) {
      const selection = select({ variant, language: "en", articles: [] }, { topics: ["schools"], funded });
      expect(selection).toEqual({ funded: [{ ...funded[0], title: "The bridges" }], asked: [], sections: [], articleIds: [] });
    }
  });
});

describe("price", () => {
  it.each([
    [{ amount: 500, currency: "eur", interval: "month" }, "€5 a month"],
    [{ amount: 450, currency: "eur", interval: "month" }, "€4.50 a month"],
    [{ amount: 5000, currency: "usd", interval: "year" }, "US$50 a year"],
    [{ amount: 300, currency: "gbp", interval: "month" }, "£3 a month"],
    [{ amount: 500, currency: "jpy", interval: "month" }, "JP¥500 a month"],
  ] as const)("%j is %s", (tier, shown) => {
    expect(price(tier)).toBe(shown);
  });
});
