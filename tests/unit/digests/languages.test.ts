/**
 * Digests in the reader's language: each story once, the version in their language where the digest has one,
 * else the original marked with its language; every word of the email from their language's catalogue; and still
 * rendered once per variant and language, the assembled copy the same bytes as the whole template rendered.
 */
import { describe, expect, it } from "vitest";
import type { Article } from "../../../core/articles";
import * as Render from "../../../core/digests/render";
import type { Recipient } from "../../../core/digests/types";
import { makeInput, useRenderSettings } from "../../helpers/digest-render";
import { makeArticle, makeTopic } from "../../helpers/factories";

useRenderSettings();

const at = (day: number, hour = 10) => new Date(Date.UTC(2026, 10, day, hour)).toISOString();

/** Originals in English (one translated into Ukrainian), one Ukrainian original, and a translation filed elsewhere. */
function bilingual(overrides: Partial<Render.PrepareInput> = {}): Render.PrepareInput {
  const articles: Article[] = [
    makeArticle({ id: "ferry", title: "The winter ferry timetable", topics: ["harbour", "transport"], language: "en", publishedAt: at(29) }),
    makeArticle({ id: "ferry-uk", title: "Зимовий розклад порома", topics: ["harbour"], language: "uk", translationOf: "ferry", publishedAt: at(29, 12) }),
    makeArticle({ id: "storm", title: "What the sea wall held back", topics: ["harbour"], language: "en", publishedAt: at(28) }),
    makeArticle({ id: "market", title: "Ярмарок на набережній", topics: ["council"], language: "uk", publishedAt: at(27) }),
    makeArticle({ id: "market-en", title: "A fair on the waterfront", topics: ["council"], language: "en", translationOf: "market", publishedAt: at(27, 12) }),
    // Filed by its translator under schools, but the story is its original's: council.
    makeArticle({ id: "budget", title: "Where the parking money goes", topics: ["council"], language: "en", publishedAt: at(26) }),
    makeArticle({ id: "budget-uk", title: "Куди йдуть гроші за паркування", topics: ["schools"], language: "uk", translationOf: "budget", publishedAt: at(26, 12) }),
  ];
  const topics = [
    makeTopic({ id: "harbour", title: "Harbour", translations: { uk: { title: "Порт" } } }),
    makeTopic({ id: "council", title: "Council", translations: { uk: { title: "Міська рада" } } }),
    makeTopic({ id: "transport", title: "Transport", translations: { uk: { title: "Транспорт" } } }),
    makeTopic({ id: "schools", title: "Schools", translations: { uk: { title: "Школи" } } }),
  ];
  return makeInput({ articles, topics, ...overrides });
}

const reader = (language: string, overrides: Partial<Recipient> = {}): Recipient => ({ subscriberId: `sub_${language}`, language, topics: [], ...overrides });

const copyOf = (input: Render.PrepareInput, recipient: Recipient) => Render.personalise(Render.prepare(input), recipient)!;
/** Intl's narrow and non-breaking spaces ("23 – 29 November", "2026 р.") as plain ones, to write expectations with. */
const plain = (text: string) => text.replace(/[\u00a0\u2009\u202f]/g, " ");
const linked = (text: string, id: string) => text.split(`/articles/${id}>`).length - 1;

describe("each story once, in the reader's language", () => {
  it("gives a Ukrainian reader the Ukrainian version where there is one, else the original marked as English", () => {
    const copy = copyOf(bilingual({ language: "uk" }), reader("uk"));

    expect(linked(copy.text, "ferry-uk")).toBe(1);
    expect(linked(copy.text, "ferry")).toBe(0);
    expect(linked(copy.text, "market")).toBe(1);
    expect(linked(copy.text, "market-en")).toBe(0);
    expect(linked(copy.text, "budget-uk")).toBe(1);
    // storm has no Ukrainian version: the original, marked.
    expect(copy.text).toMatch(/What the sea wall held back <[^>]+storm>\n+.*Мова: англійська/);
    expect(copy.text).not.toMatch(/Зимовий розклад порома <[^>]+>\n+.*Мова:/);
  });

  it("gives an English reader the originals, and the English translation of a Ukrainian original", () => {
    const copy = copyOf(bilingual({ language: "en" }), reader("en"));

    for (const id of ["ferry", "storm", "market-en", "budget"]) expect(linked(copy.text, id), id).toBe(1);
    for (const id of ["ferry-uk", "market", "budget-uk"]) expect(linked(copy.text, id), id).toBe(0);
    expect(copy.text).not.toContain("In Ukrainian");
    expect(copy.text).not.toContain("In English");
  });

  it("marks a story with no version in the reader's language: an English reader sees a Ukrainian original as such", () => {
    const input = bilingual({ language: "en" });
    input.articles = input.articles.filter((article) => article.id !== "market-en");
    const copy = copyOf(input, reader("en"));

    expect(copy.text).toMatch(/Ярмарок на набережній <[^>]+market>\n+.*In Ukrainian/);
  });

  it("shows no story twice, whatever topics its versions were filed under", () => {
    for (const language of ["en", "uk"]) {
      const input = bilingual({ language });
      const plan = Render.prepare(input).plan;
      const copy = copyOf(input, reader(language, { topics: ["harbour", "council", "transport", "schools"] }));
      expect(plan.articles).toHaveLength(4);
      const shown = [...copy.text.matchAll(/\/articles\/([a-z-]+)>/g)].map((match) => match[1]);
      expect(shown).toHaveLength(4);
      expect(new Set(shown.map((id) => id!.replace(/-(uk|en)$/, "")))).toEqual(new Set(["ferry", "storm", "market", "budget"]));
    }
  });

  it("files a translation where its original is: a reader of schools does not get the budget story, a reader of council does", () => {
    const input = bilingual({ language: "uk" });
    expect(Render.personalise(Render.prepare(input), reader("uk", { topics: ["schools"] }))).toBeNull();

    const copy = copyOf(input, reader("uk", { topics: ["council"] }));
    expect(linked(copy.text, "budget-uk")).toBe(1);
    expect(copy.text.indexOf("Міська рада")).toBeLessThan(copy.text.indexOf("/articles/budget-uk>"));
  });

  it("counts a topic naming any version of a story as covering it (You asked, we covered it)", () => {
    const input = bilingual({ language: "uk", variant: "patron" });
    input.topics = [...input.topics, makeTopic({ id: "parking", title: "Parking", status: "covered", articleIds: ["budget"], translations: { uk: { title: "Паркування" } } })];
    const copy = copyOf(input, reader("uk", { votedTopicIds: ["parking"] }));

    expect(copy.text).toContain("Ви просили — ми написали");
    expect(copy.text).toContain("Ви голосували за тему Паркування.");
    expect(copy.text.indexOf("Паркування")).toBeLessThan(copy.text.indexOf("/articles/budget-uk>"));
    expect(linked(copy.text, "budget-uk")).toBe(1);
  });

  it("lets a translation whose original is not in the digest stand as its own story", () => {
    const input = bilingual({ language: "en" });
    input.articles = input.articles.filter((article) => article.id !== "ferry");
    const copy = copyOf(input, reader("en"));

    expect(copy.text).toMatch(/Зимовий розклад порома <[^>]+ferry-uk>\n+.*In Ukrainian/);
  });
});

describe("render once per variant and language: the assembled copy is the whole template rendered", () => {
  for (const language of ["en", "uk"]) {
    for (const variant of ["free", "patron"] as const) {
      it(`${language}, ${variant}`, () => {
        const input = bilingual({ language, variant });
        const prepared = JSON.parse(JSON.stringify(Render.prepare(input))) as Render.Prepared;
        const readers: Recipient[] = [
          reader(language),
          reader(language, { name: "Оксана Коваль", topics: ["council"], deliveryId: "del_1" }),
          reader(language, { name: "Ada", topics: ["transport", "schools"], votedTopicIds: ["transport"] }),
          reader(language, { topics: ["harbour"], funded: [{ topicId: "harbour", title: "Порт", url: "https://news.example.org/harbour" }] }),
        ];
        expect(prepared.language).toBe(language);
        for (const recipient of readers) {
          const fast = Render.personalise(prepared, recipient);
          expect(fast).not.toBeNull();
          expect(fast).toEqual(Render.renderFull(input, recipient));
        }
      });
    }
  }
});

describe("every word in the reader's language", () => {
  it("a Ukrainian copy: greeting, period line, section titles, vote standings with Ukrainian plurals, prices, footer", () => {
    const patron = copyOf(bilingual({ language: "uk", variant: "patron" }), reader("uk", { name: "Оксана" }));
    const free = copyOf(bilingual({ language: "uk", variant: "free" }), reader("uk"));
    patron.text = plain(patron.text);
    free.text = plain(free.text);

    expect(patron.html).toContain('<html lang="uk"');
    expect(patron.text).toContain("Вітаємо, Оксана!");
    expect(free.text).toContain("Вітаємо!");
    expect(patron.text).toContain("Тижневий дайджест · 23–29 листопада 2026 р.");
    expect(patron.text).toContain("Порт");
    expect(patron.text).toContain("29 листопада 2026 р.");
    expect(patron.text).toContain("Оберіть, про що нам писати далі");
    expect(patron.text).toContain("(12 балів від 5 меценатів)");
    expect(patron.text).toContain("(4 бали від 2 меценатів)");
    expect(free.text).toContain("Станьте меценатом");
    expect(free.text).toMatch(/Yearly: 50\s(€|EUR) на рік\./);
    expect(free.text).toContain("Відписатися");
    for (const english of ["Hello", "Weekly digest", "Vote for", "Become a patron", "a month", "points", "Unsubscribe"]) {
      expect(patron.text + free.text, english).not.toContain(english);
    }
  });

  it("names a funded topic in the reader's language, in the notice and the preview line", () => {
    const funded = [{ topicId: "council", title: "Council", url: "https://news.example.org/council" }];
    const copy = copyOf(bilingual({ language: "uk" }), reader("uk", { topics: ["harbour"], funded }));

    expect(copy.text).toContain("Ви підтримали — ми написали");
    expect(copy.text).toContain("Ви зробили внесок на тему Міська рада. Дякуємо! Читайте, що ми опублікували");
    expect(copy.preheader).toMatch(/^Ви підтримали — ми написали: Міська рада · /);
  });

  it("one patron, one point: the singular in both languages", () => {
    const openTopics = [{ id: "housing", title: "Housing", translations: { uk: { title: "Житло" } }, status: "open" as const, score: 21, voters: 1 }];
    const en = copyOf(bilingual({ language: "en", variant: "patron", openTopics }), reader("en"));
    const uk = copyOf(bilingual({ language: "uk", variant: "patron", openTopics }), reader("uk"));

    expect(en.text).toContain("Housing (21 points from 1 patron)");
    expect(uk.text).toContain("Житло (21 бал від 1 мецената)");
    expect(uk.text).toContain("Голосувати за «Житло»");
  });

  it("an English copy keeps its English words and writes the period as days", () => {
    const copy = copyOf(bilingual({ language: "en" }), reader("en", { name: "Ada" }));

    expect(copy.html).toContain('<html lang="en"');
    expect(copy.text).toContain("Hello Ada,");
    expect(plain(copy.text)).toContain("Weekly digest · 23 – 29 November 2026");
  });
});

describe("subjects", () => {
  const digest = { id: "weekly-2026-W48", frequency: "weekly" as const, period: "2026-W48" };

  it("without the editor's, each language's own: the outlet and the week in words", () => {
    const auto = { ...digest, subject: "" };
    expect(plain(Render.prepare(bilingual({ language: "en", digest: auto })).subject)).toBe("The Harbour Gazette: the week of 23 – 29 November 2026");
    expect(plain(Render.prepare(bilingual({ language: "uk", digest: auto })).subject)).toBe("The Harbour Gazette: головне за тиждень, 23–29 листопада 2026 р.");
  });

  it("the editor's subject in the default language never reaches a Ukrainian reader; their Ukrainian one does, with its intro", () => {
    const own = { ...digest, subject: "Storm week", intro: "From the newsroom." };
    const uk = Render.prepare(bilingual({ language: "uk", digest: own }));
    expect(Render.prepare(bilingual({ language: "en", digest: own })).subject).toBe("Storm week");
    expect(plain(uk.subject)).toBe("The Harbour Gazette: головне за тиждень, 23–29 листопада 2026 р.");
    expect(copyOf(bilingual({ language: "uk", digest: own }), reader("uk")).text).not.toContain("From the newsroom.");

    const translated = { ...own, translations: { uk: { subject: "Тиждень штормів", intro: "Від редакції." } } };
    const copy = copyOf(bilingual({ language: "uk", digest: translated }), reader("uk"));
    expect(copy.subject).toBe("Тиждень штормів");
    expect(copy.text).toContain("Від редакції.");
  });

  it("the email says its language (Content-Language) and a daily digest's subject names its day", () => {
    const daily = { id: "daily-2026-12-07", frequency: "daily" as const, period: "2026-12-07", subject: "" };
    const message = Render.digestMessage(Render.prepare(bilingual({ language: "uk", digest: daily })), { ...reader("uk"), email: "o@example.com" })!;

    expect(message.language).toBe("uk");
    expect(plain(message.subject)).toBe("The Harbour Gazette: головне за 7 грудня 2026 р.");
  });
});
