/**
 * Topics in every language: `translations` in PUT /api/topics/{id} are kept, answered and listed; a language that
 * is not offered (or the default one) is a 400 that changes nothing; the topics page in Ukrainian speaks Ukrainian
 * and names each topic by its Ukrainian title (its own where it has none), and in English as before. (The support
 * page and the emails that name a topic: support-languages.test.ts.)
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Votes from "../../core/votes";
import { editor } from "../helpers/editor";
import { savePatronSubscriber, uniqueSlug } from "../helpers/factories";
import { postForm, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";

useLocalStack();

/** A JSON answer's body, as the test reads it. */
const json = async (response: Response): Promise<any> => response.json();

const page = async (path: string, language: string) => {
  const response = await request(path, { headers: { accept: "text/html", "accept-language": language } });
  expect(response.status).toBe(200);
  return { html: await response.text(), contentLanguage: response.headers.get("content-language") };
};

describe("a topic's translations", () => {
  it("are kept by PUT /api/topics/{id}, answered, listed, and replaced or kept by the next PUT", async () => {
    const id = uniqueSlug("water");
    const uk = { title: "Вода Херсона", description: "Хто відновлює водогін і коли" };
    const put = await editor("PUT", `/api/topics/${id}`, { title: "Kherson's water", translations: { uk } });
    expect(put.status).toBe(201);
    expect((await json(put)).topic).toMatchObject({ id, title: "Kherson's water", translations: { uk } });
    expect(await Db.Topics.get(id)).toMatchObject({ translations: { uk } });

    const { topics } = await json(await request("/api/topics"));
    expect(topics.find((topic: { id: string }) => topic.id === id)).toMatchObject({ title: "Kherson's water", translations: { uk } });

    // Left out, they stay; the same again changes nothing; given, they replace those there were.
    const kept = await editor("PUT", `/api/topics/${id}`, { title: "Kherson's water" });
    expect((await json(kept)).topic.translations).toEqual({ uk });
    const same = await editor("PUT", `/api/topics/${id}`, { title: "Kherson's water", translations: { uk } });
    expect(same.status).toBe(200);
    expect((await json(same)).topic.updatedAt).toBe((await Db.Topics.get(id))!.updatedAt);
    const renamed = await editor("PUT", `/api/topics/${id}`, { title: "Kherson's water", translations: { uk: { title: "Вода для Херсона" } } });
    expect((await json(renamed)).topic.translations).toEqual({ uk: { title: "Вода для Херсона" } });
    const removed = await editor("PUT", `/api/topics/${id}`, { title: "Kherson's water", translations: {} });
    expect((await json(removed)).topic.translations).toBeUndefined();
  });

  it("refuses a language that is not offered, or the default one, with a 400 naming the field; nothing changes", async () => {
    const id = uniqueSlug("bridges");
    expect((await editor("PUT", `/api/topics/${id}`, { title: "Bridges", translations: { uk: { title: "Мости" } } })).status).toBe(201);
    const before = await Db.Topics.get(id);
    for (const translations of [{ de: { title: "Brücken" } }, { en: { title: "Bridges again" } }, { uk: { title: "" } }, { "uk-UA": { title: "Мости" } }]) {
      const response = await editor("PUT", `/api/topics/${id}`, { title: "Bridges, renamed", translations });
      expect(response.status, JSON.stringify(translations)).toBe(400);
      expect(JSON.stringify(await json(response))).toMatch(/translations/);
    }
    expect(await Db.Topics.get(id)).toEqual(before);
    // A new topic refused so is not created either.
    const never = uniqueSlug("never");
    expect((await editor("PUT", `/api/topics/${never}`, { title: "Never", translations: { fr: { title: "Jamais" } } })).status).toBe(400);
    expect(await Db.Topics.get(never)).toBeUndefined();
  });
});

describe("the topics page in the reader's language", () => {
  it("in Ukrainian: Ukrainian words, each topic's Ukrainian title (its own where it has none), plurals and money in uk", async () => {
    const translated = uniqueSlug("roads");
    const untranslated = uniqueSlug("schools");
    await editor("PUT", `/api/topics/${translated}`, {
      title: "Roads of Sumy oblast",
      translations: { uk: { title: "Дороги Сумщини", description: "Хто і за скільки їх ремонтує" } },
      fundingGoal: 50_000,
    });
    await editor("PUT", `/api/topics/${untranslated}`, { title: "Village schools" });

    const { html, contentLanguage } = await page("/topics", "uk");
    expect(contentLanguage).toBe("uk");
    expect(html).toMatch(/<html lang="uk"/);
    expect(html).toContain("Про що нам написати далі?");
    expect(html).toContain("Відкриті для голосування");
    expect(html).toContain("Дороги Сумщини");
    expect(html).toContain("Хто і за скільки їх ремонтує");
    expect(html).not.toContain("Roads of Sumy oblast");
    expect(html).toContain("Village schools"); // no Ukrainian title: its own
    expect(html).toContain("Рейтинг 0 від 0 меценатів"); // many: 0
    expect(html.replace(/\u00a0/g, " ")).toContain("Зібрано 0 € з 500 €: 0 внесків");
    expect(html).toContain("Підтримати цей матеріал<span class=\"vh\">: Дороги Сумщини</span>");
    expect(html).not.toMatch(/What should we cover next|Open for votes|Score \d/);

    const english = await page("/topics", "en");
    expect(english.html).toContain("What should we cover next?");
    expect(english.html).toContain("Roads of Sumy oblast");
    expect(english.html).not.toContain("Дороги Сумщини");
    expect(english.html).toContain("Score 0 from 0 patrons");
    expect(english.html).toContain("€0 of €500 raised from 0 contributions");
  });

  it("a vote link's pages speak its patron's language, whatever the browser's, and name the topic in it", async () => {
    const id = uniqueSlug("hospitals");
    await editor("PUT", `/api/topics/${id}`, { title: "Field hospitals", translations: { uk: { title: "Польові шпиталі" } } });
    const patron = await savePatronSubscriber({ tierId: "co-creator" }, { language: "uk" });
    const token = Votes.voteToken(patron.id, id);

    const opened = await request(`/vote?token=${encodeURIComponent(token)}`, { headers: { accept: "text/html", "accept-language": "en" } });
    expect(opened.headers.get("content-language")).toBe("uk");
    const html = await opened.text();
    expect(html).toContain("Голосувати за цю тему");
    expect(html).toContain("<strong>Польові шпиталі</strong>");

    const voted = await postForm("/vote", { token }, randomIp());
    expect(voted.status).toBe(200);
    expect(voted.headers.get("content-language")).toBe("uk");
    expect(await voted.text()).toContain("Дякуємо! Тепер рейтинг теми <strong>Польові шпиталі</strong> — 3 від 1 мецената.");
  });
});
