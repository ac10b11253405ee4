/** The shapes of a source at the HTTP boundary (see attribution.ts for what a source is). */
import * as z from "zod";
import { MAX_SOURCE, isSource } from "./attribution";

/** The JSON API's `source`: a well-formed source or a 400 naming the field. */
export const source = z
  .string()
  .max(MAX_SOURCE)
  .refine(isSource, "must be a source: article:<id>, digest:<id>, page:/<path> or email:<name>")
  .describe("Where it came from: `article:<id>`, `digest:<id>`, `page:/<path>` or `email:<name>`; else 400");

/** A form's hidden `source` (or a page's `src`): kept when well formed, else dropped, for the page's own to stand. */
export const lenientSource = z
  .string()
  .max(1000)
  .optional()
  .transform((value) => (isSource(value) ? value : undefined));

/** A reader's page's `src` query parameter: taken when it is a source, else ignored (never a 400). */
export const srcQuery = z
  .string()
  .optional()
  .describe("Where the visitor came from (a source, as `source`), carried into the page's form; else ignored");
