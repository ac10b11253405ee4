/** Articles: `makeArticle` builds one (pure, for rendering tests); `createArticle` publishes one through the editor API. */
import type { Article } from "../../../core/articles";
import { editor } from "../editor";
import { uniqueSlug } from "./ids";

let sequence = 0;

/** Article number n: on `harbour`, by Maya Quay, published n minutes after a fixed time in November 2026. */
export function makeArticle(overrides: Partial<Article> = {}): Article {
  const n = ++sequence;
  const id = overrides.id ?? `article-${n}`;
  return {
    id,
    title: `Article number ${n}`,
    url: `https://news.example.org/articles/${id}`,
    summary: `What happened in story ${n}, in a sentence or two.`,
    topics: ["harbour"],
    author: "Maya Quay",
    publishedAt: new Date(Date.UTC(2026, 10, 20, 8) + n * 60_000).toISOString(),
    createdAt: "2026-11-30T08:00:00.000Z",
    updatedAt: "2026-11-30T08:00:00.000Z",
    ...overrides,
  };
}

/** What an editor sends to publish an article (its id in the path). */
export interface ArticleFields {
  id?: string;
  title?: string;
  url?: string;
  topics: string[];
  summary?: string;
  author?: string;
  publishedAt?: string;
}

/**
 * Publishes a new article (`PUT /api/articles/{id}` as an editor): titled `Story <id>`, at
 * `https://news.example.org/<id>`, published now (so the next digest covers it) unless told. Throws unless the
 * API answers 201 Created. Answers the article as the API does.
 */
export async function createArticle(input: ArticleFields): Promise<Article> {
  const { id = uniqueSlug("article"), ...fields } = input;
  const response = await editor("PUT", `/api/articles/${id}`, {
    title: `Story ${id}`,
    url: `https://news.example.org/${id}`,
    publishedAt: new Date().toISOString(),
    ...fields,
  });
  if (response.status !== 201) throw new Error(`article ${id}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { article: Article }).article;
}
