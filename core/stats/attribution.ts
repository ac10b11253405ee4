/**
 * Where a sign-up, a checkout or a contribution came from (attribution): a short string of a kind and a name,
 * `article:<id>`, `digest:<id>`, `page:<path>` or `email:<name>` (`email:winback`, `email:welcome-series`).
 * Readers' pages take it from the `src` query parameter into their forms (a hidden `source` field); the JSON API
 * takes a `source` field. Kept with the opt-in's consent or in the Checkout session's metadata, and counted per day
 * by source (core/db/sources.ts).
 *
 * What is not a source: on the JSON API a 400 (the caller is a program that can be told); on a page or a form it
 * is ignored and the page's own source (`page:/join`) stands instead, because a link pasted and mangled in the
 * wild must never show a reader an error. Small and without zod on purpose: the digest's
 * render (the send-worker) uses it too; the input schemas are in attribution-input.ts.
 */
export const SOURCE_KINDS = ["article", "digest", "page", "email"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** At most this long: an article id's 128 characters after its kind. */
export const MAX_SOURCE = 136;

/**
 * A kind, a colon and a name: ids as the outlet makes them (letters, digits, `_ . ~ -`), a page as its path. No
 * `#`, space, quote or `&`, so a source fits a key, a URL's query and Stripe's metadata as it is.
 */
const SOURCE = /^(?:(?:article|digest|email):[A-Za-z0-9][A-Za-z0-9_.~-]{0,127}|page:\/[A-Za-z0-9_.~/-]{0,127})$/;

/** The metadata key a Checkout session (and its subscription or payment intent) carries the source under. */
export const SOURCE_KEY = "source";

export const isSource = (value: unknown): value is string => typeof value === "string" && value.length <= MAX_SOURCE && SOURCE.test(value);

/** A page's own source: what a form without a (good) `src` counts as. */
export const pageSource = (path: string) => `page:${path}`;

/** The source a page's form carries: `src` if well formed, else the page's own. */
export const sourceOr = (given: string | undefined, path: string) => (isSource(given) ? given : pageSource(path));

/** `url` with `src=<source>` added to its query (a link from a digest or an email to one of our pages). */
export function withSource(url: string, from: string): string {
  // `:` and `/` may stand as they are in a query: the link reads as the source it carries.
  const value = encodeURIComponent(from).replace(/%3A/g, ":").replace(/%2F/g, "/");
  return `${url}${url.includes("?") ? "&" : "?"}src=${value}`;
}

