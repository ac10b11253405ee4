import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import * as I18n from "../i18n";
import type { Frequency } from "../subscribers/types";
import { currentPeriod, firstWindow, isValidPeriod } from "./period";
import { deliveryStatuses, type Digest, type DigestCounts, type DigestTranslation } from "./types";
import { automaticSubject } from "./words";

export interface CreateInput {
  frequency: Frequency;
  period?: string;
  /** In the default language; when absent, the automatic one ("The Harbour Gazette: the week of 7–13 December 2026"). */
  subject?: string;
  intro?: string;
  /** The subject and intro in other languages (`{ uk: { subject, intro } }`); each language's own automatic subject without. */
  translations?: Record<string, DigestTranslation>;
}

const emptyCounts = (): DigestCounts =>
  Object.fromEntries([["recipients", 0], ...deliveryStatuses.map((status) => [status, 0])]) as DigestCounts;

/**
 * Creates the digest of a frequency and period (default: the current one), covering the articles published since
 * the previous sent digest of that frequency (or the last day / week for the first). Creating it again answers the
 * existing digest unchanged: `created` tells which happened.
 */
export async function create(input: CreateInput, now = new Date()): Promise<{ digest: Digest; created: boolean }> {
  const period = input.period ?? currentPeriod(input.frequency, now);
  if (!isValidPeriod(input.frequency, period)) {
    throw new VisibleError("invalid", "invalid_request", `${period} is not a ${input.frequency} period.`, {
      fields: { period: input.frequency === "daily" ? "an ISO date, 2026-11-30" : "an ISO week, 2026-W48" },
    });
  }
  const translations = checkTranslations(input.translations);
  const id = `${input.frequency}-${period}`;
  const existing = await Db.Digests.get(id);
  if (existing) return { digest: existing, created: false };

  const previous = await Db.Digests.lastSent(input.frequency);
  const coversTo = now.toISOString();
  const coversFrom = previous?.coversTo ?? new Date(now.getTime() - firstWindow(input.frequency)).toISOString();
  const articles = await Db.Articles.publishedBetween(coversFrom, coversTo);
  const digest: Digest = {
    id,
    frequency: input.frequency,
    period,
    subject: input.subject ?? (await subjectByDefault(input.frequency, period)),
    intro: input.intro,
    ...(translations && { translations }),
    status: "draft",
    articleIds: articles.map((article) => article.id),
    coversFrom,
    coversTo,
    createdAt: coversTo,
    counts: emptyCounts(),
  };
  if (await Db.Digests.create(digest)) return { digest, created: true };
  // Created concurrently by someone else: theirs stands.
  return { digest: (await Db.Digests.get(id))!, created: false };
}

/** The automatic subject in the default language: what a digest without an editor's subject is listed under. */
async function subjectByDefault(frequency: Frequency, period: string): Promise<string> {
  await I18n.load();
  const config = Config.get();
  return automaticSubject({ frequency, period }, config.OUTLET_NAME, config.LANGUAGES[0]!);
}

/** The translations given, each of a language of `LANGUAGES` other than the default (whose are `subject` and `intro`). */
function checkTranslations(given: CreateInput["translations"]): CreateInput["translations"] {
  if (!given || Object.keys(given).length === 0) return undefined;
  const [defaultLanguage, ...others] = Config.get().LANGUAGES;
  for (const language of Object.keys(given)) {
    if (others.includes(language)) continue;
    const message =
      language === defaultLanguage
        ? `${language} is the default language: its subject and intro are subject and intro.`
        : `${language} is not one of the languages (${others.join(", ")}).`;
    throw new VisibleError("invalid", "invalid_request", message, { fields: { translations: message } });
  }
  return given;
}
