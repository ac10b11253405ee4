/**
 * Digest rendering: render once per digest and variant (patron or not × language), personalise per reader.
 *
 * ```ts
 * import * as Render from "./render";
 * const prepared = Render.prepare({ digest, articles, topics, variant: "patron", language: "uk", openTopics, tiers });
 * for (const reader of readers) {
 *   const message = Render.digestMessage(prepared, reader); // null: nothing to read, skip them
 * }
 * ```
 *
 * `prepare` runs the template engine and the text conversion (once); `personalise` and `digestMessage` only
 * assemble pre-rendered parts and substitute the reader's name, links and delivery id (cheap, per reader);
 * `renderFull` renders everything from scratch for one reader, and is what the fast path must equal.
 */
import * as I18n from "../../i18n";

// Every word of a digest is a message of the catalogues: loaded with the renderer, as the templates load them.
await I18n.load();

export { prepare } from "./prepare";
export { personalise } from "./personalise";
export { renderFull } from "./full";
export { digestMessage, testCopy } from "./message";
export { select, type Selection } from "./select";
export { stories, type Story } from "./stories";
export { price, VOTE_TOPICS } from "./patron-blocks";
export { outletFromConfig } from "./view";
export type { Outlet, Personalised, Prepared, PrepareInput } from "./types";
