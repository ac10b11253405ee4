/**
 * Every word a reader sees, in their language: the message catalogues (`messages/<language>/<area>.json`, ICU
 * MessageFormat, one file per area of the product as Ghost's locales are), read through FormatJS's
 * `intl-messageformat`, and dates, numbers and prices through `Intl` in the same locale. Nothing is concatenated:
 * a sentence with a value or a count in it is one message with a placeholder or a plural.
 *
 * A key is `<area>.<name>` (`common.layout.skip`); `MessageKey` lists them all, so a misspelt key fails the type
 * check. English is the source: a key missing from another catalogue fails a unit test
 * (tests/unit/i18n/catalogues.test.ts), and so does a placeholder or a plural form that differs.
 *
 * ```ts
 * const { t, date } = I18n.translator(subscriber.language);
 * t("emails.confirmation.subject", { outlet: "Tidings" });
 * t("digest.articles", { count: 3 }); // "3 статті" in Ukrainian: one, few, many and other
 * ```
 *
 * Adding a language is a folder of catalogue files (copied from `messages/en/` and translated) and its code in
 * `LANGUAGES`; `npm run build:templates` then compiles the emails in it too.
 */
import type { FormatXMLElementFn, PrimitiveType } from "intl-messageformat";
import { available } from "./available";
import type { MessageKey } from "./catalogues";

export type { MessageKey };
export { available };

/** A language with a catalogue: its code, as in `LANGUAGES` and `<html lang>` (`en`, `uk`). */
export type Language = string;

/** The source language: every other catalogue has its keys. */
export const SOURCE: Language = "en";

export const isAvailable = (value: unknown): value is Language => typeof value === "string" && available.includes(value);

/**
 * The catalogues and the message formatter are loaded on first use, not with the importing module: a cold start
 * that answers JSON never pays for them (the same as the email templates, templates/load.ts). Pages load them in
 * the language middleware, emails with the templates; `t` before `load()` throws.
 */
let runtime: typeof import("./runtime") | undefined;
let loading: Promise<void> | undefined;

export function load(): Promise<void> {
  return (loading ??= import("./runtime").then((module) => {
    runtime = module;
  }));
}

/** One message's source in a language's catalogue, or undefined. */
export function source(language: Language, key: string): string | undefined {
  if (!runtime) throw new Error("the message catalogues are not loaded yet: await I18n.load() first");
  const dot = key.indexOf(".");
  return runtime.catalogues[language]?.[key.slice(0, dot)]?.[key.slice(dot + 1)];
}

export type Values = Record<string, PrimitiveType | Date>;

/** What a language's messages and formats are read through; one per language per process. */
export interface Translator {
  readonly language: Language;
  /** The message, its placeholders filled (and plurals chosen) from `values`; plain text, escaped by the caller. */
  t(key: MessageKey, values?: Values): string;
  /**
   * The message with its tags (`<link>…</link>`) made by the functions given for them, as parts: for a page
   * whose sentence holds a link, without splitting the sentence into pieces that cannot be reordered.
   */
  rich<T>(key: MessageKey, values: Record<string, PrimitiveType | Date | FormatXMLElementFn<T, T>>): (string | T)[];
  /** A date (or date and time), as `Intl.DateTimeFormat` writes it in this language. */
  date(value: Date | string | number, options?: Intl.DateTimeFormatOptions): string;
  /** A date range ("1–7 December 2026"; "1–7 грудня 2026 р."). */
  dateRange(from: Date, to: Date, options?: Intl.DateTimeFormatOptions): string;
  /** A number, as `Intl.NumberFormat` writes it in this language. */
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** A language's own name in this language ("Ukrainian"; "англійська"). */
  languageName(code: Language): string;
}

const translators = new Map<Language, Translator>();

/**
 * The locale `Intl` writes a language's dates and numbers in, where it is not the language's own code: English as
 * Tidings has always written it, "7 December 2026" (en-GB), not "December 7, 2026" (en); so do its prices
 * (core/money.ts).
 */
const INTL_LOCALES: Record<Language, string> = { en: "en-GB" };

/** The `Intl` locale of a language: `en-GB` for English, else the language's own code. */
export const intlLocale = (language: Language): string => INTL_LOCALES[language] ?? language;

/** The translator of `language`; of the source language when there is no catalogue for it. */
export function translator(language: Language | undefined): Translator {
  const code = isAvailable(language) ? language : SOURCE;
  let found = translators.get(code);
  if (!found) {
    found = create(code);
    translators.set(code, found);
  }
  return found;
}

function create(language: Language): Translator {
  const formats = new Map<string, import("intl-messageformat").IntlMessageFormat>();
  const format = (key: MessageKey) => {
    let message = formats.get(key);
    if (!message) {
      const text = source(language, key) ?? source(SOURCE, key);
      if (text === undefined) throw new Error(`no message '${key}'`);
      message = new runtime!.IntlMessageFormat(text, locale);
      formats.set(key, message);
    }
    return message;
  };
  const names = new Intl.DisplayNames(language, { type: "language" });
  const locale = intlLocale(language);
  // An Intl formatter per options, made once: a dashboard table formats hundreds of dates a page.
  const dates = new Map<string, Intl.DateTimeFormat>();
  const numbers = new Map<string, Intl.NumberFormat>();
  const dateFormat = (options: Intl.DateTimeFormatOptions) => once(dates, options, () => new Intl.DateTimeFormat(locale, options));
  const numberFormat = (options: Intl.NumberFormatOptions = {}) => once(numbers, options, () => new Intl.NumberFormat(locale, options));
  return {
    language,
    t: (key, values) => String(format(key).format(values)),
    rich: (key, values) => {
      const parts = format(key).format(values);
      return Array.isArray(parts) ? parts : [parts as string];
    },
    date: (value, options = { dateStyle: "long" }) => dateFormat(options).format(new Date(value)),
    dateRange: (from, to, options = { day: "numeric", month: "long", year: "numeric" }) => dateFormat(options).formatRange(from, to),
    number: (value, options) => numberFormat(options).format(value),
    languageName: (code) => names.of(code) ?? code,
  };
}

/** The formatter cached under `options`, made by `make` the first time. */
function once<T>(cache: Map<string, T>, options: object, make: () => T): T {
  const key = JSON.stringify(options);
  let found = cache.get(key);
  if (!found) {
    found = make();
    cache.set(key, found);
  }
  return found;
}
