/**
 * Stories: an original article and its translations are one story, and a digest gives each reader each story once,
 * in their language where a version of it is in the digest, else the original (its card says which language).
 * Chosen here, once per language, so every reader of a prepared variant reads the same version of a story and
 * selection (select.ts) never sees two versions of one.
 */
import type { Article } from "../../articles/types";

export interface Story {
  /** The version this language's readers get. */
  article: Article;
  /** The language that version is in (an article stored before articles had languages is in the default one). */
  language: string;
  /** Its topics, primary first: the original's, so a story sits in the same section in every language. */
  topics: string[];
  /** The ids of every version of it in the digest (a topic naming any of them covers the story). */
  versionIds: string[];
}

/**
 * The digest's stories for readers of `language`, newest first (by the version chosen; the id breaks ties so the
 * order never depends on the input's). A translation whose original is not in the digest is a story of its own;
 * without a version in `language` nor its original, its earliest version stands for it.
 */
export function stories(articles: readonly Article[], language: string, defaultLanguage: string): Story[] {
  const byStory = new Map<string, Article[]>();
  for (const article of articles) {
    const key = article.translationOf ?? article.id;
    byStory.set(key, [...(byStory.get(key) ?? []), article]);
  }
  const languageOf = (article: Article) => article.language ?? defaultLanguage;
  const found = [...byStory].map(([key, versions]): Story => {
    const original =
      versions.find((article) => article.id === key) ??
      [...versions].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id))[0]!;
    const chosen = versions.find((article) => languageOf(article) === language) ?? original;
    return { article: chosen, language: languageOf(chosen), topics: original.topics, versionIds: versions.map((article) => article.id) };
  });
  return found.sort((a, b) => b.article.publishedAt.localeCompare(a.article.publishedAt) || a.article.id.localeCompare(b.article.id));
}
