/**
 * A week of a bilingual outlet's news, as the deliverability tests score it: stories in English with Ukrainian
 * translations, one story only in English and one only in Ukrainian, topics titled in both languages, and readers
 * of each language. Written as an editor would, so a spam filter reads what readers will get.
 */
import type { Article } from "../../core/articles";
import * as Config from "../../core/config";
import type { AddressedRecipient } from "../../core/digests/types";
import type { PrepareInput } from "../../core/digests/render";
import type { Topic } from "../../core/topics";
import { makeArticle } from "./factories/articles";
import { makeTopic } from "./factories/topics";

export const outlets = {
  en: { name: "The Harbour Gazette", mailFrom: "The Harbour Gazette <news@harbour-gazette.example>" },
  uk: { name: "Портова газета", mailFrom: "Портова газета <news@harbour-gazette.example>" },
} as const;

export const postalAddress = "1 Quay Street, Harbourtown HT1 2AB";

/** An article in `language`, translating `translationOf` when given (fields the model may not name yet, typed loosely). */
function story(fields: Partial<Article> & { language?: string; translationOf?: string }): Article {
  return makeArticle({ author: "Maya Quay", url: `https://harbour-gazette.example/${fields.id}`, ...fields } as Partial<Article>);
}

const week = (day: number, hour = 9) => new Date(Date.UTC(2026, 11, day, hour)).toISOString();

export const articles: Article[] = [
  story({
    id: "night-ferry",
    title: "Night ferry to the islands starts in January",
    summary: "The council approved a late sailing from the Quay at 23:40, five nights a week, after a year of campaigning by island residents.",
    topics: ["harbour", "transport"],
    publishedAt: week(4, 16),
  }),
  story({
    id: "night-ferry-uk",
    language: "uk",
    translationOf: "night-ferry",
    title: "Нічний пором до островів курсуватиме із січня",
    summary: "Міська рада схвалила пізній рейс від Набережної о 23:40 пʼять вечорів на тиждень — після року кампанії мешканців островів.",
    topics: ["harbour", "transport"],
    author: "Олена Мороз",
    publishedAt: week(4, 17),
  }),
  story({
    id: "harbour-wall",
    title: "What the storm cost: repairs to the harbour wall",
    summary: "Engineers put the bill at €2.4 million. The north pier stays closed until March while the wall is rebuilt.",
    topics: ["harbour"],
    publishedAt: week(3),
  }),
  story({
    id: "harbour-wall-uk",
    language: "uk",
    translationOf: "harbour-wall",
    title: "Скільки коштував шторм: ремонт хвилерізу",
    summary: "Інженери оцінили роботи у 2,4 млн євро. Північний причал буде закритий до березня, поки відбудовують стіну.",
    topics: ["harbour"],
    author: "Олена Мороз",
    publishedAt: week(3, 11),
  }),
  story({
    id: "budget-2027",
    title: "Budget 2027: libraries spared, parking in the centre dearer",
    summary: "After an eight-hour meeting councillors passed the budget; parking in the old town goes up by a fifth from April.",
    topics: ["council"],
    publishedAt: week(2),
  }),
  story({
    id: "budget-2027-uk",
    language: "uk",
    translationOf: "budget-2027",
    title: "Бюджет-2027: бібліотеки збережуть, паркування в центрі подорожчає",
    summary: "Після восьмигодинного засідання депутати ухвалили бюджет; з квітня паркування в старому місті подорожчає на пʼяту частину.",
    topics: ["council"],
    author: "Олена Мороз",
    publishedAt: week(2, 12),
  }),
  story({
    id: "route-7",
    title: "Route 7 is back after six months of roadworks",
    summary: "Buses run every twelve minutes again between the station and the hospital, with two new stops on Mill Lane.",
    topics: ["transport"],
    publishedAt: week(1),
  }),
  story({
    id: "warming-point",
    language: "uk",
    title: "Біля порту відкрили пункт обігріву",
    summary: "Волонтери чергують щодня з 8:00 до 22:00: гарячий чай, зарядка для телефонів і тепле місце для всіх, хто цього потребує.",
    topics: ["harbour"],
    author: "Олена Мороз",
    publishedAt: week(1, 15),
  }),
];

export const topics: Topic[] = [
  makeTopic({ id: "harbour", title: "Harbour", translations: { uk: { title: "Порт" } } }),
  makeTopic({ id: "council", title: "Council", translations: { uk: { title: "Міська рада" } } }),
  makeTopic({ id: "transport", title: "Transport", translations: { uk: { title: "Транспорт" } } }),
];

/** The digest as an editor would send it, in `language`, for the free or the patron variant (tiers from the configuration). */
export function digestInput(language: "en" | "uk", variant: "free" | "patron"): PrepareInput {
  const input = {
    digest: {
      id: "weekly-2026-W49",
      frequency: "weekly" as const,
      period: "2026-W49",
      subject: "The night ferry is coming, and what the storm cost",
      intro: "A busy week on the water: the islands get their late ferry, and we finally know the bill for the harbour wall.",
      translations: {
        uk: {
          subject: "Нічний пором уже скоро, а шторм обійшовся недешево",
          intro: "Насичений тиждень на воді: острови отримають пізній пором, а ми нарешті знаємо, скільки коштуватиме хвилеріз.",
        },
      },
    },
    articles,
    topics,
    variant,
    language,
    openTopics: [
      { id: "housing", title: "Housing", translations: { uk: { title: "Житло" } }, status: "open" as const, score: 12, voters: 5 },
      { id: "night-buses", title: "Night buses", translations: { uk: { title: "Нічні автобуси" } }, status: "open" as const, score: 4, voters: 2 },
    ],
    tiers: Config.get().TIERS,
    outlet: { name: outlets[language].name, postalAddress },
    now: new Date("2026-12-07T09:00:00.000Z"),
  };
  return input as PrepareInput;
}

/** A reader of the digest in `language`, following every topic. */
export function reader(language: "en" | "uk"): Omit<AddressedRecipient, "variant"> {
  return language === "uk"
    ? { subscriberId: "sub_01JUKREADER", name: "Оксана", language, topics: [], email: "oksana@example.com", deliveryId: "sub_01JUKREADER" }
    : { subscriberId: "sub_01JENREADER", name: "Ada", language, topics: [], email: "ada@example.com", deliveryId: "sub_01JENREADER" };
}
