/**
 * Money, in one place. Every amount Tidings keeps (tier prices, contributions, gifts, funding goals, the fee) is an
 * integer in the currency's minor unit **as Stripe's API counts it**, which is not always ISO 4217's or `Intl`'s:
 * - zero-decimal at Stripe (500 is ¥500): BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF;
 * - three-decimal (5120 is 5.120 KWD): BHD JOD KWD OMR TND, and Stripe charges only amounts ending in 0;
 * - ISK stays two-decimal in the API (100 is 1 króna) though only whole krónur are charged, so only multiples of
 *   100; `Intl` (and HUF, IDR likewise) calls these zero-decimal, which is why the count is not taken from it;
 * - every other currency (EUR, GBP, USD, UAH, HUF, TWD…) is two-decimal.
 * Display goes through `Intl.NumberFormat`; whole amounts drop their decimals ("€5", "€12.50", "¥1,250").
 */

import * as I18n from "./i18n";
const ZERO_DECIMAL = new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]);
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);
/** Two-decimal in Stripe's API, charged in whole units only. */
const WHOLE_UNITS_ONLY = new Set(["isk"]);

/** How many decimals Stripe's amounts of `currency` carry: 0, 2 or 3. */
export function decimals(currency: string): 0 | 2 | 3 {
  const code = currency.toLowerCase();
  return ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
}

/** Minor units in one major unit: 100 for euros, 1 for yen, 1000 for Kuwaiti dinars. */
export function minorUnits(currency: string): number {
  return 10 ** decimals(currency);
}

/** The step Stripe charges in, in minor units: 10 for three-decimal currencies, 100 for ISK, otherwise 1. */
export function chargeStep(currency: string): number {
  const code = currency.toLowerCase();
  return THREE_DECIMAL.has(code) ? 10 : WHOLE_UNITS_ONLY.has(code) ? 100 : 1;
}

/** Whether Stripe can charge `amount` minor units of `currency`: a positive whole number in its step. */
export function isChargeable(amount: number, currency: string): boolean {
  return Number.isSafeInteger(amount) && amount > 0 && amount % chargeStep(currency) === 0;
}

/** The decimals a reader types and sees: none where only whole units are charged. */
export function shownDecimals(currency: string): number {
  return WHOLE_UNITS_ONLY.has(currency.toLowerCase()) ? 0 : decimals(currency);
}

export interface FormatOptions {
  /** `en-GB` unless said ("US$5"; `en` writes "$5"); outranks `language`. */
  locale?: string;
  /**
   * The reader's language (`LANGUAGES`): money as it is written there ("5 €", "12,50 €" in Ukrainian). English, or
   * none, keeps `en-GB`'s way ("€5"), which every English page and email has always shown.
   */
  language?: string;
  /** `trim` (the default): a whole amount without decimals ("€5", "€12.50"); `always`: "€5.00". */
  decimals?: "trim" | "always";
}

/** The locale money is written in: `locale` if given, else the reader's language, English as `en-GB`. */
const localeOf = (options: FormatOptions) => options.locale ?? I18n.intlLocale(options.language ?? I18n.SOURCE);

/**
 * The sign in a reader's own language: the narrow one ("€", "$"), as Ukrainian newsrooms write prices, where CLDR's
 * Ukrainian "symbol" is the code ("5,00 EUR"). English keeps its symbol ("US$5" in en-GB).
 */
const displayOf = (options: FormatOptions) => (!options.locale && options.language && options.language !== "en" ? "narrowSymbol" : "symbol");

/** "€10", "€12.50", "JP¥1,250", "KWD 5.120" ("10 €", "12,50 €" in Ukrainian): an amount in minor units, for reading. */
export function format(amount: number, currency: string, options: FormatOptions = {}): string {
  const units = minorUnits(currency);
  const whole = amount % units === 0;
  const digits = options.decimals === "always" ? shownDecimals(currency) : whole ? 0 : decimals(currency);
  return new Intl.NumberFormat(localeOf(options), {
    style: "currency",
    currency: currency.toUpperCase(),
    currencyDisplay: displayOf(options),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amount / units);
}

/** Whole digits a typed amount may have: nine digits in all, so any typed amount is a safe integer of minor units. */
const wholeDigits = (currency: string) => 9 - shownDecimals(currency);

/**
 * A typed amount in major units ("12", "12.50", "12,5"; "1250" in yen) → minor units; undefined when it is not one
 * (letters, a sign, more decimals than the currency has, too many digits). Exact: no floating point.
 */
export function parse(typed: string, currency: string): number | undefined {
  const places = shownDecimals(currency);
  const match = new RegExp(`^(\\d{1,${wholeDigits(currency)}})(?:[.,](\\d{1,${Math.max(places, 1)}}))?$`).exec(typed.trim());
  if (!match || (places === 0 && match[2] !== undefined)) return undefined;
  const fraction = (match[2] ?? "").padEnd(decimals(currency), "0");
  return Number(match[1]) * minorUnits(currency) + Number(fraction || 0);
}

/** An HTML `pattern` for a typed amount of `currency` (as `parse` takes it), and the `inputmode` to ask for. */
export function inputOf(currency: string): { pattern: string; inputmode: "numeric" | "decimal" } {
  const places = shownDecimals(currency);
  return places === 0 ? { pattern: "[0-9]+", inputmode: "numeric" } : { pattern: `[0-9]+([.,][0-9]{1,${places}})?`, inputmode: "decimal" };
}

/** "12 or 12.50", "1250": an example of a typed amount, for a form's error. */
export function example(currency: string): string {
  const places = shownDecimals(currency);
  return places === 0 ? "1250" : `12 or 12.${"5".padEnd(places, "0")}`;
}
