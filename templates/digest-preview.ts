/**
 * Preview data for the digest template: a week of a small outlet, in English with two stories also in Ukrainian
 * (and one first written in Ukrainian), for an editor's preview page, tests and trying the template out. Pass it to
 * core/digests/render: `prepare({ ...digestPreview, variant, language })`.
 */
import type { Article } from "../core/articles/types";
import { tiersSchema } from "../core/config/tiers";
import type { Digest } from "../core/digests/types";
import type { ScoredTopic, Topic } from "../core/topics/types";

const at = "2026-11-30T08:00:00.000Z";

function article(
  id: string,
  topics: string[],
  publishedAt: string,
  title: string,
  summary: string,
  author?: string,
  language: { language: string; translationOf?: string } = { language: "en" },
): Article {
  const url = `https://news.example.org/${language.translationOf ? `${language.language}/` : ""}articles/${id}`;
  return { id, title, url, summary, topics, author, publishedAt, ...language, createdAt: at, updatedAt: at };
}

function topic(id: string, title: string, uk: string, articleIds: string[] = []): Topic {
  return { id, title, translations: { uk: { title: uk } }, status: articleIds.length ? "covered" : "open", articleIds, createdAt: at, updatedAt: at };
}

export const digestPreview = {
  digest: {
    id: "weekly-2026-W48",
    frequency: "weekly",
    period: "2026-W48",
    subject: "This week in the harbour",
    intro: "A week of storms, ferries and one very large fish.\n\nThank you for reading, and for telling us what to cover next.",
    translations: {
      uk: {
        subject: "Цього тижня в гавані",
        intro: "Тиждень штормів, поромів і однієї дуже великої риби.\n\nДякуємо, що читаєте і підказуєте, про що писати далі.",
      },
    },
  } satisfies Pick<Digest, "id" | "frequency" | "period" | "subject" | "intro" | "translations">,
  articles: [
    article("ferry-timetable", ["harbour", "transport"], "2026-11-29T17:30:00.000Z", "The winter ferry timetable, explained",
      "Fewer crossings after 8 pm, a new Sunday service, and why the 7:15 is here to stay.", "Maya Quay"),
    article("storm-damage", ["harbour"], "2026-11-28T09:00:00.000Z", "Storm Bran: what the sea wall held back",
      "Engineers say the 2019 repairs paid for themselves in one night.", "Tom Beacon"),
    article("council-budget", ["council"], "2026-11-27T12:00:00.000Z", "Council budget: where the parking money goes",
      "A line-by-line look at the £2.1m the car parks raised last year.", "Priya Ledger"),
    article("school-bus", ["transport", "schools"], "2026-11-26T07:45:00.000Z", "The school bus that never came",
      "Parents on the Hill route waited 40 minutes on Tuesday. We asked why."),
    article("giant-halibut", ["harbour"], "2026-11-25T15:10:00.000Z", "A 90 kg halibut, landed by hand",
      "Old Jack says it is the biggest he has seen in fifty years on the quay.", "Maya Quay"),
    article("ferry-timetable-uk", ["harbour", "transport"], "2026-11-29T18:00:00.000Z", "Зимовий розклад порома: пояснюємо",
      "Менше рейсів після 20:00, новий недільний рейс — і чому рейс о 7:15 нікуди не дінеться.", "Maya Quay",
      { language: "uk", translationOf: "ferry-timetable" }),
    article("storm-damage-uk", ["harbour"], "2026-11-28T09:30:00.000Z", "Шторм «Бран»: що стримав хвилеріз",
      "Інженери кажуть, що ремонт 2019 року окупився за одну ніч.", "Tom Beacon",
      { language: "uk", translationOf: "storm-damage" }),
    article("volunteer-ferry", ["transport"], "2026-11-24T11:00:00.000Z", "Волонтерський човен возить літніх людей на острів",
      "Троє рибалок щосуботи безплатно перевозять сусідів до лікаря й на ринок.", "Olena Moroz", { language: "uk" }),
  ] satisfies Article[],
  topics: [
    topic("harbour", "Harbour", "Гавань"),
    topic("council", "Council", "Міська рада"),
    topic("transport", "Transport", "Транспорт", ["school-bus"]),
    topic("schools", "Schools", "Школи"),
  ] satisfies Topic[],
  openTopics: [
    { id: "housing", title: "Housing on the old cannery site", translations: { uk: { title: "Житло на місці старого консервного заводу" } }, status: "open", score: 42, voters: 19 },
    { id: "night-buses", title: "Night buses after the pubs close", translations: { uk: { title: "Нічні автобуси після закриття пабів" } }, status: "open", score: 17, voters: 9 },
    { id: "beach-water", title: "Is the beach water safe?", translations: { uk: { title: "Чи безпечна вода на пляжі?" } }, status: "open", score: 0, voters: 0 },
  ] satisfies ScoredTopic[],
  tiers: tiersSchema.parse([
    { id: "coffee", name: "Coffee", priceId: "price_coffee", amount: 500, currency: "eur", interval: "month", voteWeight: 1 },
    { id: "co-creator", name: "Co-creator", priceId: "price_cocreator", amount: 1500, currency: "eur", interval: "month", voteWeight: 3 },
    { id: "yearly", name: "Yearly", priceId: "price_yearly", amount: 5000, currency: "eur", interval: "year", voteWeight: 3 },
  ]),
  outlet: { name: "The Harbour Gazette", postalAddress: "1 Quay Street, Harbourtown HT1 2AB" },
  now: new Date(at),
};

/** A reader to preview as: follows everything, has a name; a patron who voted for transport. */
export const digestPreviewReader = {
  subscriberId: "sub_preview",
  name: "Ada",
  topics: [] as string[],
  votedTopicIds: ["transport"],
};
