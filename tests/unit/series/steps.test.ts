/**
 * The welcome series' pure parts: the steps as configured (day 0 the welcome, the patron ask last), each step's
 * due time counted from the confirmation, and which stories the best-of gives a reader (each once, in their
 * language where there is a version, on their topics, newest first, at most five).
 */
import { describe, expect, it } from "vitest";
import { SERIES_STEPS } from "../../../templates/series";
import { BEST_OF_STORIES, bestOfStories, seriesOf } from "../../../core/series";
import { useRenderSettings } from "../../helpers/digest-render";
import { makeArticle } from "../../helpers/factories";

useRenderSettings();

const at = (day: number, hour = 10) => new Date(Date.UTC(2026, 10, day, hour)).toISOString();

describe("the configured series", () => {
  it("starts with the welcome at the confirmation and ends with the patron invitation", () => {
    expect(SERIES_STEPS[0]).toEqual({ id: "welcome", day: 0 });
    expect(SERIES_STEPS.at(-1)!.id).toBe("patron-invitation");
    expect(SERIES_STEPS.map((step) => step.day)).toEqual([...SERIES_STEPS.map((step) => step.day)].sort((a, b) => a - b));
  });

  it("makes each step due its day's count of days after the confirmation, queued", () => {
    const confirmed = new Date(at(2, 18));
    const series = seriesOf("sub_1", confirmed, confirmed);
    expect(series.map(({ step, dueAt, status }) => ({ step, dueAt, status }))).toEqual([
      { step: "welcome", dueAt: at(2, 18), status: "queued" },
      { step: "best-of", dueAt: at(5, 18), status: "queued" },
      { step: "patron-invitation", dueAt: at(12, 18), status: "queued" },
    ]);
  });
});

describe("the best-of's stories", () => {
  const articles = [
    makeArticle({ id: "ferry", title: "The winter ferry timetable", topics: ["harbour"], language: "en", publishedAt: at(20) }),
    makeArticle({ id: "ferry-uk", title: "Зимовий розклад порома", topics: ["harbour"], language: "uk", translationOf: "ferry", publishedAt: at(20, 12) }),
    makeArticle({ id: "budget", title: "The council's budget", topics: ["council"], language: "en", publishedAt: at(21) }),
  ];

  it("gives each story once, in the reader's language where there is a version, on the topics they follow", () => {
    expect(bestOfStories(articles, { topics: ["harbour"], language: "uk" }).map((story) => story.article.id)).toEqual(["ferry-uk"]);
    expect(bestOfStories(articles, { topics: ["harbour"], language: "en" }).map((story) => story.article.id)).toEqual(["ferry"]);
  });

  it("gives a reader who follows no topic every story, newest first, and never more than five", () => {
    expect(bestOfStories(articles, { topics: [] }).map((story) => story.article.id)).toEqual(["budget", "ferry"]);
    const many = Array.from({ length: 9 }, (_, i) => makeArticle({ id: `story-${i}`, topics: ["harbour"], publishedAt: at(10 + i) }));
    const chosen = bestOfStories(many, { topics: ["harbour"] });
    expect(chosen).toHaveLength(BEST_OF_STORIES);
    expect(chosen[0]!.article.id).toBe("story-8");
  });

  it("gives nothing when no story is on their topics", () => {
    expect(bestOfStories(articles, { topics: ["schools"] })).toEqual([]);
  });
});
