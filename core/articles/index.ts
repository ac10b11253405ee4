/** Articles: what editors publish into Tidings and digests are built from (see `product.md` → Articles). */
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { assertTopicsExist } from "../topics";
import { checkTranslation, invalid } from "./translations";
import type { Article, ArticleInput } from "./types";

export { articleInput, ARTICLE_ID, type Article, type ArticleInput } from "./types";

const fields = ["title", "url", "summary", "topics", "author", "publishedAt", "imageUrl", "language", "translationOf"] as const;

/**
 * Creates or replaces the article with this id. Upserting the same content again writes nothing and answers
 * `unchanged`, so an editor's publishing tool can retry freely. Its language is the default one unless given; a
 * translation names its original (see translations.ts for what it must be), and an answer of 400 changes nothing.
 */
export async function upsert(id: string, input: ArticleInput, now = new Date()) {
  const { LANGUAGES } = Config.get();
  if (input.language !== undefined && !LANGUAGES.includes(input.language)) {
    throw invalid("language", `${input.language} is not one of the languages (${LANGUAGES.join(", ")}).`);
  }
  const wanted: ArticleInput = { ...input, language: input.language ?? LANGUAGES[0]! };
  await assertTopicsExist(input.topics);
  const existing = await Db.Articles.get(id);
  if (existing && fields.every((field) => JSON.stringify(existing[field]) === JSON.stringify(wanted[field]))) {
    return { article: existing, outcome: "unchanged" as const };
  }
  await checkTranslation(id, wanted);
  const at = now.toISOString();
  const article: Article = { id, ...wanted, createdAt: existing?.createdAt ?? at, updatedAt: at };
  if (!(await Db.Articles.put(article, existing))) throw taken(article);
  return { article, outcome: existing ? ("updated" as const) : ("created" as const) };
}

const taken = (article: Article) =>
  invalid("translationOf", `${article.translationOf} already has a translation in ${article.language}; update that one instead.`);

export async function get(id: string): Promise<Article> {
  const article = await Db.Articles.get(id);
  if (!article) throw new VisibleError("not_found", "not_found", `No article ${id}.`);
  return article;
}

/** The articles of these ids that exist (those of a digest, to list them). */
export const many = Db.Articles.many;
export const list = Db.Articles.page;
export const remove = Db.Articles.remove;
