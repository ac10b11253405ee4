/**
 * Translations: an article may name the article it translates (`translationOf`), and a digest then gives each
 * reader one of them, in their language where it can (core/digests/render/stories.ts). So that a story has one
 * original and at most one version per language, a translation's original must exist, must not be a translation
 * itself, must be in another language, and may have one translation per language; an original with translations
 * cannot become a translation, nor move into a language one of them is in.
 */
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import type { ArticleInput } from "./types";

/** A 400 naming the field at fault. */
export const invalid = (field: string, message: string) => new VisibleError("invalid", "invalid_request", message, { fields: { [field]: message } });

/** Throws a 400 naming the field when `input` would not be a well-formed story for article `id`; writes nothing. */
export async function checkTranslation(id: string, input: ArticleInput): Promise<void> {
  const language = input.language ?? Config.readerLanguage(undefined);
  const translations = await Db.Articles.translationsOf(id);
  if (input.translationOf === undefined) {
    const clash = translations.get(language);
    if (clash && clash !== id) throw invalid("language", `${clash} is this article's translation in ${language} already.`);
    return;
  }
  const originalId = input.translationOf;
  if (originalId === id) throw invalid("translationOf", "An article cannot be a translation of itself.");
  if (translations.size > 0) {
    throw invalid("translationOf", `${id} has translations of its own (${[...translations.values()].join(", ")}): it is an original.`);
  }
  const original = await Db.Articles.get(originalId);
  if (!original) throw invalid("translationOf", `No article ${originalId} to translate.`);
  if (original.translationOf) {
    throw invalid("translationOf", `${originalId} is itself a translation (of ${original.translationOf}): name its original.`);
  }
  if ((original.language ?? Config.readerLanguage(undefined)) === language) {
    throw invalid("language", `${originalId} is in ${language} too: a translation is in another language.`);
  }
  const holder = (await Db.Articles.translationsOf(originalId)).get(language);
  if (holder && holder !== id) throw invalid("translationOf", `${originalId} already has a translation in ${language} (${holder}).`);
}
