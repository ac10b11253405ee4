/**
 * Preview data for the digest template: a week of a small outlet, for an editor's preview page, tests and
 * trying the template out. Pass it to core/digests/render: `prepare({ ...digestPreview, variant })`.
 */
import type { Article } from "../core/articles/types";
import { tiersSchema } from "../core/config/tiers";
import type { Digest } from "../core/digests/types";
import type { ScoredTopic, Topic } from "../core/topics/types";

const at = "2026-11-30T08:00:00.000Z";

function article(id: string, topics: string[], publishedAt: string, title: string, summary: string, author?: string): Article {
  const url = `https://news.example.org/articles/${id}`;
  return { id, title, url, summary, topics, author, publishedAt, createdAt: at, updatedAt: at };
}

function topic(id: string, title: string, articleIds: string[] = []): Topic {
  return { id, title, status: articleIds.length ? "covered" : "open", articleIds, createdAt: at, updatedAt: at };
}

export const digestPreview = {
  digest: {
    id: "weekly-2026-W48",
    frequency: "weekly",
    period: "2026-W48",
    subject: "This week in the harbour",
    intro: "A week of storms, ferries and one very large fish.\n\nThank you for reading, and for telling us what to cover next.",
  } satisfies Pick<Digest, "id" | "frequency" | "period" | "subject" | "intro">,
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
  ] satisfies Article[],
  topics: [
    topic("harbour", "Harbour"),
    topic("council", "Council"),
    topic("transport", "Transport", ["school-bus"]),
    topic("schools", "Schools"),
  ] satisfies Topic[],
  openTopics: [
    { id: "housing", title: "Housing on the old cannery site", status: "open", score: 42, voters: 19 },
    { id: "night-buses", title: "Night buses after the pubs close", status: "open", score: 17, voters: 9 },
    { id: "beach-water", title: "Is the beach water safe?", status: "open", score: 0, voters: 0 },
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
