/** The shapes a subscriber's input must have, shared by the HTTP routes and the domain. */
import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used
import * as Config from "../config";
import { TOPIC_ID } from "../topics/types";
import { frequencies } from "./types";
import { lenientSource, source } from "../stats/attribution-input";

/**
 * A name as people write it: no control characters (so never a CR/LF into a header), no MIME encoded word (which
 * a mail client would decode, CR/LF and all, from a digest's To header), at most 100 characters.
 */
export const name = z
  .string()
  .trim()
  .max(100)
  .refine((value) => !/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(value), "must not contain control characters")
  .refine((value) => !/=\?[^?\s]+\?[bq]\?[^?\s]*\?=/i.test(value), "must not contain MIME encoded words (=?…?=)");

/**
 * An address SES will take: the practical syntax (ASCII only, so no look-alike letters or raw IDN; punycode
 * domains pass), at most 254 characters, a local part of at most 64 and domain labels of at most 63 (RFC 5321).
 */
export const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email("must be a valid email address"))
  .refine((value) => fitsRfc5321(value), "must be a valid email address (too long a part)")
  .transform((value) => value.toLowerCase());

function fitsRfc5321(address: string): boolean {
  const at = address.lastIndexOf("@");
  return at <= 64 && address.slice(at + 1).split(".").every((label) => label.length <= 63);
}

/** One of `LANGUAGES` (read when a value is checked, never at import time). */
export const language = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => Config.get().LANGUAGES.includes(value), {
    error: () => `must be one of the languages we write in: ${Config.get().LANGUAGES.join(", ")}`,
  });

const topicList = z.array(z.string().regex(TOPIC_ID, "must be a topic id")).max(50);
/** Forms send one value or several under the same field name. */
const formTopics = z.preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), topicList);

export const signup = z.object({
  email,
  name: name.optional(),
  topics: topicList.optional(),
  frequency: z.enum(frequencies).optional(),
  /** The language of their emails and pages; absent: the page's (`?lang=`, cookie, `Accept-Language`). */
  language: language
    .optional()
    .describe("The language of their emails and of the pages their links open: one of LANGUAGES (en, uk). Absent: the request's language."),
  source: source.optional(),
});
/** The same sign-up from an HTML form (whose hidden `source`, if not a good one, is dropped: the route puts the page's). */
export const signupForm = signup.extend({ topics: formTopics.optional(), source: lenientSource });
export type SignupInput = z.output<typeof signup>;

export const preferences = z.object({
  name: name.optional(),
  topics: formTopics.default([]),
  frequency: z.enum(frequencies),
  language: language.optional().describe("The language of their emails and of the pages their links open (LANGUAGES); absent: unchanged."),
  /** ISO date; empty clears the pause. */
  pausedUntil: z
    .union([z.literal(""), z.iso.date()])
    .optional()
    .transform((value) => value || undefined),
});
export type PreferencesInput = z.output<typeof preferences>;
