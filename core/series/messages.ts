/**
 * The welcome series' emails as messages: pure builders (what the reader is, and what to tell them, in; a
 * `Message` out: deliverability checks score them), and `stepMessage`, which gathers that data for one step.
 * Each is marketing email in the subscriber's language, with the one-click unsubscribe headers of the welcome.
 */
import { loadTemplates } from "../../templates/load";
import type { SeriesEmail } from "../../templates/series";
import type { Article } from "../articles/types";
import * as Config from "../config";
import * as Db from "../db";
import { stories } from "../digests/render/stories";
import { day } from "../digests/words";
import type * as Email from "../email";
import * as I18n from "../i18n";
import { priceInWords } from "../patrons/prices";
import { manageUrl, unsubscribeUrl } from "../subscribers/links";
import { welcomeMessage } from "../subscribers/notify";
import type { Subscriber } from "../subscribers/types";

/** How many stories the best-of shows at most, and from how far back. */
export const BEST_OF_STORIES = 5;
export const BEST_OF_DAYS = 14;
/** Where a reader who joins from the invitation came from (attribution reads `src` on `/join`). */
export const INVITATION_SOURCE = "email:welcome-series";

/**
 * The stories of `articles` for this reader, newest first, at most `BEST_OF_STORIES`: each story once, in their
 * language where a version of it is there (as digests choose, core/digests/render/stories.ts), on a topic they
 * follow (following none means all).
 */
export function bestOfStories(articles: readonly Article[], subscriber: Pick<Subscriber, "topics" | "language">) {
  const language = Config.readerLanguage(subscriber.language);
  const followed = new Set(subscriber.topics);
  return stories(articles, language, Config.readerLanguage(undefined))
    .filter((story) => followed.size === 0 || story.topics.some((topic) => followed.has(topic)))
    .slice(0, BEST_OF_STORIES);
}

const marketing = (subscriber: Subscriber) => {
  const unsubscribe = unsubscribeUrl(subscriber.id);
  return {
    language: Config.readerLanguage(subscriber.language),
    outletName: Config.get().OUTLET_NAME,
    postalAddress: Config.get().POSTAL_ADDRESS,
    name: subscriber.name,
    manageUrl: manageUrl(subscriber.id),
    unsubscribeUrl: unsubscribe,
  };
};

/** The best-of email for these recent `articles`; undefined when none of them is for this reader. */
export async function bestOfMessage(subscriber: Subscriber, articles: readonly Article[]): Promise<Email.Message | undefined> {
  const Templates = await loadTemplates();
  const data = marketing(subscriber);
  const { t, languageName } = I18n.translator(data.language);
  const chosen = bestOfStories(articles, subscriber);
  if (chosen.length === 0) return undefined;
  const rendered = Templates.seriesBestOf({
    ...data,
    articles: chosen.map(({ article, language }) => ({
      url: article.url,
      title: article.title,
      author: article.author,
      summary: article.summary,
      date: day(article.publishedAt, data.language),
      language: language === data.language ? "" : t("common.story.language", { language: languageName(language) }),
    })),
  });
  return { to: subscriber.email, ...rendered, marketing: { unsubscribeUrl: data.unsubscribeUrl } };
}

/** The invitation to become a patron: every tier with its price, in the subscriber's language. */
export async function patronInvitationMessage(subscriber: Subscriber): Promise<Email.Message> {
  const Templates = await loadTemplates();
  const data = marketing(subscriber);
  const { TIERS: tiers, PUBLIC_URL: base } = Config.get();
  const monthly = tiers.filter((tier) => tier.interval === "month");
  const cheapest = [...(monthly.length ? monthly : tiers)].sort((a, b) => a.amount - b.amount)[0];
  const rendered = Templates.seriesPatronInvitation({
    ...data,
    tiers: tiers.map((tier) => ({ name: Config.tierName(tier, data.language), price: priceInWords(tier, data.language) })),
    coffee: cheapest ? priceInWords(cheapest, data.language) : "",
    joinUrl: `${base}/join?src=${encodeURIComponent(INVITATION_SOURCE)}`,
    supportUrl: `${base}/support`,
  });
  return { to: subscriber.email, ...rendered, marketing: { unsubscribeUrl: data.unsubscribeUrl } };
}

let recent: { hour: string; articles: Promise<Article[]> } | undefined;

/**
 * Articles published in the `BEST_OF_DAYS` before this hour began: read once an hour per process (a warm worker
 * sends many best-ofs in a row), newest first.
 */
export function recentArticles(now: Date): Promise<Article[]> {
  const hour = `${now.toISOString().slice(0, 13)}:00:00.000Z`;
  if (recent?.hour !== hour) {
    const since = new Date(Date.parse(hour) - BEST_OF_DAYS * 86_400_000).toISOString();
    const articles = Db.Articles.publishedBetween(since, hour);
    articles.catch(() => (recent = undefined));
    recent = { hour, articles };
  }
  return recent.articles;
}

/** The email of `step` for this subscriber as stored now; undefined when there is nothing to send (nothing to read). */
export async function stepMessage(step: SeriesEmail, subscriber: Subscriber, now: Date): Promise<Email.Message | undefined> {
  if (step === "welcome") return welcomeMessage(subscriber);
  if (step === "best-of") return bestOfMessage(subscriber, await recentArticles(now));
  return patronInvitationMessage(subscriber);
}
