/**
 * A realistic weekly digest for the render benchmark: 20 articles on six topics (a few on two), summaries of a
 * newsroom's usual length, five topics open for voting, two covered after patrons asked; and seeded readers,
 * free and patron, following different topics (some all of them), with and without names, some patrons having
 * voted for a covered topic. The same data feeds every approach. Bilingual, half the articles also have a Ukrainian
 * translation and the topics Ukrainian titles, and the readers are English and Ukrainian in turn.
 */
import type { Article } from "../../core/articles/types";
import * as Config from "../../core/config";
import type { PrepareInput } from "../../core/digests/render";
import type { AddressedRecipient, Variant } from "../../core/digests/types";

export const settings = {
  PUBLIC_URL: "https://news.example.org",
  SIGNING_SECRET: "render-benchmark-secret-0123456789abcdef",
  MAIL_FROM: "The Harbour Gazette <news@example.org>",
  POSTAL_ADDRESS: "1 Quay Street, Harbourtown HT1 2AB",
  OUTLET_NAME: "The Harbour Gazette",
  TABLE_NAME: "bench-render",
  TIERS: JSON.stringify([
    { id: "coffee", name: "Coffee", priceId: "price_c", amount: 500, currency: "eur", interval: "month", voteWeight: 1 },
    { id: "co-creator", name: "Co-creator", priceId: "price_cc", amount: 1500, currency: "eur", interval: "month", voteWeight: 3 },
    { id: "yearly", name: "Yearly", priceId: "price_y", amount: 5000, currency: "eur", interval: "year", voteWeight: 3 },
  ]),
};

/** Points the configuration at the benchmark's settings (no AWS is touched: rendering reads none). */
export function configure(): void {
  Object.assign(process.env, settings);
  Config.reset();
}

/** mulberry32: a small seeded generator, so every run renders the same readers. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const TOPICS = [
  ["harbour", "The harbour"],
  ["council", "Town council"],
  ["transport", "Transport"],
  ["schools", "Schools"],
  ["housing", "Housing"],
  ["culture", "Culture & events"],
] as const;

const SUBJECTS = [
  "Ferry timetable changes after the winter storms",
  "Council approves the quayside budget, with conditions",
  "Night buses return to the east of town from January",
  "What the new school catchment map means for families",
  "Rents rose 7% this year: who is moving, and where",
  "The lighthouse festival's organisers on a record year",
  "Dredging the harbour mouth: the costs nobody budgeted",
  "Three councillors, one vote: inside the parking decision",
];

const UK_SUBJECTS = [
  "Розклад порома змінюється після зимових штормів",
  "Рада ухвалила бюджет набережної — з умовами",
  "Нічні автобуси повертаються на схід міста з січня",
  "Що нова карта шкільних округів означає для родин",
  "Оренда подорожчала на 7%: хто переїжджає і куди",
  "Організатори фестивалю маяка — про рекордний рік",
  "Поглиблення входу до гавані: витрати, яких ніхто не закладав",
  "Троє депутатів, один голос: як ухвалювали рішення про паркування",
];

const UK_TOPICS: Record<string, string> = {
  harbour: "Порт",
  council: "Міська рада",
  transport: "Транспорт",
  schools: "Школи",
  housing: "Житло",
  culture: "Культура й події",
};

const UK_SUMMARY =
  "Наші журналісти провели тиждень із людьми, яких це стосується найбільше, прочитали документи ради рядок за " +
  "рядком і поставили запитання, яких не було в офіційній заяві. Ось що змінюється, для кого і з якого часу, " +
  "з цифрами, яких бракувало в пресрелізі, і що буде далі, якщо план ухвалять на наступному засіданні.";

const SUMMARY =
  "Our reporters spent the week with the people most affected, read the council papers line by line and asked " +
  "the questions that did not make it into the official statement. Here is what changes, for whom and from when, " +
  "with the figures the press release left out and what happens next if the plan is approved at the next meeting.";

export interface FixtureOptions {
  /** The readers' language the input is prepared for (default English). */
  language?: string;
  /** Ukrainian translations of every other article, and Ukrainian topic titles. */
  bilingual?: boolean;
}

/** The digest's input for one variant; articles, topics and votes are the same for both variants. */
export function digestInput(variant: Variant, options: FixtureOptions = {}): PrepareInput {
  const articles: Article[] = Array.from({ length: 20 }, (_, i) => {
    const [primary] = TOPICS[i % TOPICS.length]!;
    const second = i % 4 === 0 ? [TOPICS[(i + 2) % TOPICS.length]![0]] : [];
    return {
      id: `art_${String(i + 1).padStart(2, "0")}`,
      title: `${SUBJECTS[i % SUBJECTS.length]}${i >= SUBJECTS.length ? ` (part ${Math.floor(i / SUBJECTS.length) + 1})` : ""}`,
      url: `https://news.example.org/2026/11/${i + 10}/story-${i + 1}?utm_source=digest`,
      summary: SUMMARY.slice(0, 220 + ((i * 37) % 160)),
      topics: [primary, ...second],
      author: i % 5 === 4 ? undefined : ["Maya Quay", "Tom Ferris", "Ana Lopes", "Sam O'Neill"][i % 4],
      publishedAt: new Date(Date.UTC(2026, 10, 23, 7) + i * 7_200_000).toISOString(),
      createdAt: "2026-11-23T07:00:00.000Z",
      updatedAt: "2026-11-23T07:00:00.000Z",
    };
  });
  if (options.bilingual) {
    const translations = articles.filter((_, i) => i % 2 === 0).map((article, n): Article => ({
      ...article,
      id: `${article.id}_uk`,
      title: UK_SUBJECTS[(2 * n) % UK_SUBJECTS.length]!,
      url: article.url.replace("/story-", "/uk/story-"),
      summary: UK_SUMMARY.slice(0, article.summary!.length),
      topics: article.topics,
      language: "uk",
      translationOf: article.id,
      publishedAt: new Date(Date.parse(article.publishedAt) + 1_800_000).toISOString(),
    }));
    articles.push(...translations);
  }
  const topics = TOPICS.map(([id, title], i) => ({
    id,
    title,
    ...(options.bilingual && { translations: { uk: { title: UK_TOPICS[id]! } } }),
    // Two topics patrons voted for are now covered by articles of this digest.
    articleIds: i < 2 ? [articles[i + 6]!.id] : [],
  }));
  return {
    digest: {
      id: "weekly-2026-W48",
      frequency: "weekly",
      period: "2026-W48",
      subject: "The week in Harbourtown",
      intro: "Good morning. A busy week on the quays and in the council chamber.\n\nThank you for reading, and for every reply.",
    },
    articles,
    topics,
    variant,
    language: options.language ?? "en",
    openTopics: [
      { id: "night-ferries", title: "Night ferries", status: "open", score: 41, voters: 19 },
      { id: "flood-defences", title: "Flood defences", status: "open", score: 33, voters: 12 },
      { id: "youth-clubs", title: "Youth clubs", status: "open", score: 20, voters: 11 },
      { id: "fishing-quotas", title: "Fishing quotas", status: "open", score: 9, voters: 5 },
      { id: "market-hall", title: "The market hall", status: "open", score: 4, voters: 2 },
      { id: "street-lights", title: "Street lights", status: "open", score: 1, voters: 1 },
    ],
    tiers: Config.get().TIERS,
    outlet: { name: settings.OUTLET_NAME, postalAddress: settings.POSTAL_ADDRESS },
    now: new Date("2026-11-30T06:00:00.000Z"),
  };
}

const NAMES = ["Ada", "Bo Lindqvist", "Chiara", "Dmitri", "Eun-ji Park", "Fatima", "Gus", "Hélène Dubois"];

/**
 * `count` readers: a third patrons; each follows 0 (everything), 1, 2 or 3 topics; some patrons asked for a covered
 * topic; reading `languages` in turn (the same readers otherwise, whatever the languages).
 */
export function readers(count: number, seed = 48, languages: readonly string[] = ["en"]): AddressedRecipient[] {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const variant: Variant = random() < 1 / 3 ? "patron" : "free";
    const follows = Math.floor(random() * 4);
    const topics = [...new Set(Array.from({ length: follows }, () => pick(TOPICS)[0]))];
    const id = `sub_bench${String(i).padStart(6, "0")}`;
    const voted = variant === "patron" && random() < 0.4 ? { votedTopicIds: [pick(["harbour", "council"])] } : {};
    return {
      subscriberId: id,
      deliveryId: id,
      email: `reader${i}@example.org`,
      language: languages[i % languages.length]!,
      ...(random() < 0.7 ? { name: pick(NAMES) } : {}),
      topics,
      variant,
      ...voted,
    };
  });
}
