/** Articles: what editors publish into Tidings and digests are built from (see `product.md` → Articles). */
import * as Db from "../db";
import { VisibleError } from "../errors";
import { assertTopicsExist } from "../topics";
import type { Article, ArticleInput } from "./types";

export { articleInput, ARTICLE_ID, type Article, type ArticleInput } from "./types";

const fields = ["title", "url", "summary", "topics", "author", "publishedAt", "imageUrl"] as const;

/**
 * Creates or replaces the article with this id. Upserting the same content again writes nothing and answers
 * `unchanged`, so an editor's publishing tool can retry freely.
 */
export async function upsert(id: string, input: ArticleInput, now = new Date()) {
  await assertTopicsExist(input.topics);
  const existing = await Db.Articles.get(id);
  if (existing && fields.every((field) => JSON.stringify(existing[field]) === JSON.stringify(input[field]))) {
    return { article: existing, outcome: "unchanged" as const };
  }
  const at = now.toISOString();
  const article: Article = { id, ...input, createdAt: existing?.createdAt ?? at, updatedAt: at };
  await Db.Articles.put(article);
  return { article, outcome: existing ? ("updated" as const) : ("created" as const) };
}

export async function get(id: string): Promise<Article> {
  const article = await Db.Articles.get(id);
  if (!article) throw new VisibleError("not_found", "not_found", `No article ${id}.`);
  return article;
}

/** The articles of these ids that exist (those of a digest, to list them). */
export const many = Db.Articles.many;
export const list = Db.Articles.page;
export const remove = Db.Articles.remove;
