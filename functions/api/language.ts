/**
 * Which language a page speaks, decided once per request: `?lang=` (which the page's language switch sets, and
 * which a cookie then remembers), else that cookie, else `Accept-Language`, else the first of `LANGUAGES`
 * (Hono's language detector, in that order). A page about one subscriber (reached from their email) speaks the
 * subscriber's language instead (`speakTo`), unless `?lang=` asked otherwise.
 *
 * Views read it without having it passed down: `t("common.layout.skip")`, `<html lang={currentLanguage()}>`. Every
 * HTML answer says it in `Content-Language`, and varies by the cookie and `Accept-Language` for caches.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";
import { setCookie } from "hono/cookie";
import { languageDetector } from "hono/language";
import * as Config from "../../core/config";
import * as I18n from "../../core/i18n";
import { wantsJson } from "./errors";
import { cookieOptions } from "./session";

/** The cookie that remembers a visitor's choice of language. */
export const LANGUAGE_COOKIE = "tidings_lang";
const YEAR_SECONDS = 365 * 24 * 3600;

interface Spoken {
  language: string;
  /** Whether `?lang=` chose it: then it outranks the subscriber's own language. */
  asked: boolean;
  url: URL;
}

const storage = new AsyncLocalStorage<Spoken>();

export const language: MiddlewareHandler = async (c, next) => {
  const { LANGUAGES } = Config.get();
  let detected = LANGUAGES[0]!;
  await languageDetector({
    supportedLanguages: LANGUAGES,
    fallbackLanguage: LANGUAGES[0]!,
    lookupCookie: LANGUAGE_COOKIE,
    caches: false,
  })(c, async () => {
    detected = c.get("language") as string;
  });
  const query = c.req.query("lang");
  const asked = query !== undefined && query.toLowerCase() === detected;
  if (asked) setCookie(c, LANGUAGE_COOKIE, detected, { ...cookieOptions(), maxAge: YEAR_SECONDS });
  // Only what may answer with a page loads the catalogues: a JSON request (the API's, a webhook) never pays for them.
  if (!wantsJson(c)) await I18n.load();
  const spoken: Spoken = { language: detected, asked, url: new URL(c.req.url) };
  await storage.run(spoken, next);
  if (c.res.headers.get("content-type")?.startsWith("text/html")) {
    c.res.headers.set("Content-Language", spoken.language);
    // Added to what the route said it varies by (`/topics` says Cookie), each name once.
    const vary = (c.res.headers.get("Vary") ?? "").split(",").map((name) => name.trim()).filter(Boolean);
    c.res.headers.set("Vary", [...new Set([...vary, "Accept-Language", "Cookie"])].join(", "));
  }
};

/** The page is about this subscriber: it speaks their language (unless the visitor asked for another by `?lang=`). */
export function speakTo(code: string | undefined): void {
  const spoken = storage.getStore();
  if (spoken && !spoken.asked && code && Config.get().LANGUAGES.includes(code)) spoken.language = code;
}

/** The language of the page being answered (the default language outside a request). */
export const currentLanguage = (): string => storage.getStore()?.language ?? Config.readerLanguage(undefined);

/** The current page's translator. */
export const tr = (): I18n.Translator => I18n.translator(currentLanguage());

/** A message in the current page's language. */
export const t = (key: I18n.MessageKey, values?: I18n.Values): string => tr().t(key, values);

/** The current page's address with `?lang=` set to `code`: a link of the language switch. */
export function languageLink(code: string): string {
  const url = new URL(storage.getStore()?.url ?? "http://localhost/");
  url.searchParams.set("lang", code);
  return `${url.pathname}${url.search}`;
}
