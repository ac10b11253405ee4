/**
 * Demo data for `npm start`: the topics readers follow, a few subscribers in different states (reading English or
 * Ukrainian), a week of articles in both languages (some translated, so each reader gets those in theirs), a patron's proposal
 * waiting for an editor, and 90 days of made-up figures for the dashboard's charts (`seed-stats.ts`), so every page
 * has something to show. Idempotent: what exists already is left alone.
 */
import * as Articles from "../core/articles";
import * as Config from "../core/config";
import * as Patrons from "../core/patrons";
import * as Topics from "../core/topics";
import * as Db from "../core/db";
import * as Subscribers from "../core/subscribers";
import type { Subscriber } from "../core/subscribers";
import type { Topic } from "../core/topics/types";
import { seedCancellations } from "./seed-cancellations";
import { seedPause } from "./seed-pause";
import { seedSeries } from "./seed-series";
import { seedSources } from "./seed-sources";
import { seedStats } from "./seed-stats";
import { seedWinBack } from "./seed-winback";

/** In English and, as `translations`, in Ukrainian: the topics page and the emails name each in the reader's language. */
const topics: Array<Pick<Topic, "id" | "title" | "description" | "status" | "translations">> = [
  {
    id: "climate",
    title: "Climate",
    description: "The warming world and what is done about it",
    status: "open",
    translations: { uk: { title: "Клімат", description: "Світ, що теплішає, і що з цим роблять" } },
  },
  {
    id: "housing",
    title: "Housing",
    description: "Rents, building and who gets to live where",
    status: "open",
    translations: { uk: { title: "Житло", description: "Оренда, будівництво і хто де може жити" } },
  },
  {
    id: "city-hall",
    title: "City hall",
    description: "Local politics, budgets and decisions",
    status: "open",
    translations: { uk: { title: "Міська рада", description: "Місцева політика, бюджети й рішення" } },
  },
  {
    id: "culture",
    title: "Culture",
    description: "Books, music, theatre and the people behind them",
    status: "closed",
    translations: { uk: { title: "Культура", description: "Книжки, музика, театр і люди, які за ними стоять" } },
  },
];

const subscribers: Array<Pick<Subscriber, "email" | "name" | "status" | "topics" | "frequency" | "language">> = [
  { email: "ada@example.com", name: "Ada", status: "active", topics: ["climate", "housing"], frequency: "weekly" },
  { email: "bo@example.com", name: "Bo", status: "active", topics: [], frequency: "daily" },
  { email: "cy@example.com", status: "unsubscribed", topics: ["city-hall"], frequency: "weekly" },
  { email: "dee@example.com", name: "Dee", status: "active", topics: ["city-hall"], frequency: "weekly" },
  { email: "eli@example.com", status: "active", topics: [], frequency: "weekly" },
  { email: "fay@example.com", name: "Fay", status: "active", topics: ["culture"], frequency: "weekly" },
  { email: "oksana@example.com", name: "Оксана", status: "active", topics: ["climate", "city-hall"], frequency: "weekly", language: "uk" },
  { email: "taras@example.com", name: "Тарас", status: "active", topics: [], frequency: "daily", language: "uk" },
];

const HOUR = 3_600_000;
const articles = [
  ["heatwave-hospitals", "Hospitals prepare for a hotter summer", ["climate"], 3, "Mina Okafor"],
  ["rent-cap-vote", "Council votes on a rent cap — what it would change", ["housing", "city-hall"], 8, "Jonas Berg"],
  ["river-cleanup", "Volunteers pulled two tonnes of plastic from the river", ["climate"], 20, "Mina Okafor"],
  ["budget-gap", "The city's €14m budget gap, line by line", ["city-hall"], 30, "Ana Lima"],
  ["tiny-homes", "Tiny homes on empty lots: a pilot begins", ["housing"], 44, "Jonas Berg"],
  ["bus-lanes", "New bus lanes cut commutes by nine minutes", ["city-hall", "climate"], 60, "Ana Lima"],
  ["festival-returns", "The harbour festival returns after four years", ["culture"], 72, "Lea Novak"],
  ["solar-schools", "Every school roof gets solar panels by 2028", ["climate"], 90, "Mina Okafor"],
  ["landlord-registry", "A public registry of landlords goes live", ["housing"], 110, "Jonas Berg"],
  ["library-hours", "Libraries open late again on Thursdays", ["culture", "city-hall"], 130, "Lea Novak"],
  ["flood-maps", "New flood maps put 3,000 homes in the risk zone", ["climate", "housing"], 150, "Mina Okafor"],
  ["mayor-interview", "Ten questions for the mayor, answered", ["city-hall"], 160, "Ana Lima"],
] as const;

/** Stories first written in Ukrainian: [id, title, topics, hours ago, author]. */
const ukrainianArticles = [
  ["twin-city-kharkiv", "Місто-побратим Харків: що дала дружба за три роки", ["city-hall"], 12, "Оксана Мельник"],
  ["blackout-gardens", "Городи на дахах: як сусіди вирощують овочі без світла", ["climate", "housing"], 52, "Тарас Коваль"],
] as const;

/** Translations: [id, the original's id, title, language, author]; published an hour after their original. */
const translations = [
  ["heatwave-hospitals-uk", "heatwave-hospitals", "Лікарні готуються до спекотнішого літа", "uk", "Mina Okafor"],
  ["rent-cap-vote-uk", "rent-cap-vote", "Рада голосує за обмеження оренди: що це змінить", "uk", "Jonas Berg"],
  ["budget-gap-uk", "budget-gap", "Діра в міському бюджеті на 14 млн євро — рядок за рядком", "uk", "Ana Lima"],
  ["bus-lanes-uk", "bus-lanes", "Нові смуги для автобусів скоротили дорогу на дев'ять хвилин", "uk", "Ana Lima"],
  ["twin-city-kharkiv-en", "twin-city-kharkiv", "Twin city Kharkiv: what three years of friendship brought", "en", "Oksana Melnyk"],
] as const;

/** Seeds the table; returns lines worth printing (links to try). */
export async function seed(now = new Date()): Promise<string[]> {
  const at = now.toISOString();
  for (const topic of topics) await Db.Topics.put({ ...topic, articleIds: [], createdAt: at, updatedAt: at });

  for (const [id, title, topicIds, hoursAgo, author] of articles) {
    await Articles.upsert(id, {
      title,
      url: `https://news.example.org/${id}`,
      summary: `${title}. Our reporting from the past week, with the documents and the people behind them.`,
      topics: [...topicIds],
      author,
      publishedAt: new Date(now.getTime() - hoursAgo * HOUR).toISOString(),
      language: "en",
    });
  }
  for (const [id, title, topicIds, hoursAgo, author] of ukrainianArticles) {
    await Articles.upsert(id, {
      title,
      url: `https://news.example.org/uk/${id}`,
      summary: `${title}. Наш репортаж за тиждень — з документами й людьми, які за ними стоять.`,
      topics: [...topicIds],
      author,
      publishedAt: new Date(now.getTime() - hoursAgo * HOUR).toISOString(),
      language: "uk",
    });
  }
  const originals = new Map<string, { topics: readonly string[]; hoursAgo: number }>(
    [...articles, ...ukrainianArticles].map(([id, , topicIds, hoursAgo]) => [id, { topics: topicIds, hoursAgo }]),
  );
  for (const [id, originalId, title, language, author] of translations) {
    const original = originals.get(originalId)!;
    const summary =
      language === "uk"
        ? `${title}. Наш репортаж за тиждень — з документами й людьми, які за ними стоять.`
        : `${title}. Our reporting from the past week, with the documents and the people behind them.`;
    await Articles.upsert(id, {
      title,
      url: `https://news.example.org/${language}/${originalId}`,
      summary,
      topics: [...original.topics],
      author,
      publishedAt: new Date(now.getTime() - (original.hoursAgo - 1) * HOUR).toISOString(),
      language,
      translationOf: originalId,
    });
  }

  const stories = articles.length + ukrainianArticles.length;
  const lines: string[] = [
    `${stories} stories from the past week, on ${topics.length} topics, ${translations.length} of them in both English and Ukrainian`,
  ];
  for (const [index, demo] of subscribers.entries()) {
    const existing = await Db.Subscribers.getByEmail(demo.email);
    const id = existing?.id ?? `sub_demo${String(index).padStart(22, "0")}`;
    if (!existing) {
      await Db.Subscribers.save({
        ...demo,
        id,
        createdAt: at,
        updatedAt: at,
        confirmedAt: demo.status === "active" ? at : undefined,
        consent: { requestedAt: at, confirmedAt: at, source: "seed", textVersion: "seed" },
        confirmationsSentAt: [],
        version: 1,
      });
    }
    if (demo.status === "active") lines.push(`Preferences of ${demo.email}: ${Subscribers.manageUrl(id)}`);
  }
  lines.push(`Unsubscribe page of ada@example.com: ${Subscribers.unsubscribeUrl(`sub_demo${"0".repeat(22)}`)}`);
  lines.push(...(await proposal(now)));
  lines.push(await seedCancellations(now));
  lines.push(await seedPause(now));
  lines.push(await seedSeries(now));
  lines.push(await seedSources(now));
  lines.push(await seedWinBack(now));
  lines.push(await seedStats(now)); // after the subscribers: the made-up past ends at today's real figures
  return lines;
}

/** Ada, comped a year of the first tier, proposes a topic: the dashboard's topics page has a proposal to approve. */
async function proposal(now: Date): Promise<string[]> {
  const ada = await Db.Subscribers.getByEmail("ada@example.com");
  const tier = Config.get().TIERS[0];
  if (!ada || !tier) return [];
  if (!(await Db.Patrons.get(ada.id))) {
    const until = new Date(now.getTime() + 365 * 24 * HOUR).toISOString();
    await Patrons.comp({ email: ada.email, tierId: tier.id, until, by: "seed" }, now);
    await Topics.propose(ada.id, { title: "Night trains", description: "Where the night trains went, and whether they come back" }, now);
  }
  return ["ada@example.com is a comped patron who proposed a topic: approve it on the dashboard's topics page"];
}
