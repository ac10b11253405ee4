/**
 * What every template shares besides Liquid: the shape of a rendered email, link and subject checks, and the
 * plain-text part, made from the HTML so both always say the same.
 */
import { compile } from "html-to-text";

/** What every template returns. */
export interface Rendered {
  subject: string;
  html: string;
  text: string;
  /** The language it is written in, for its `Content-Language` header. */
  language?: string;
}

/** A link target from outside: only absolute http(s) or mailto URLs, in canonical (percent-encoded) form. */
export function safeUrl(value: string): string {
  const url = new URL(value); // throws on anything relative or malformed
  if (!["https:", "http:", "mailto:"].includes(url.protocol)) throw new Error(`unsafe link protocol ${url.protocol}`);
  return url.href;
}

/** Subject lines are one line of plain text, whatever the outlet or data put in them. */
export function oneLine(text: string): string {
  return text.replace(/[\s\0]+/g, " ").trim();
}

// Every block is separated by exactly one blank line (all blocks 2/2, runs of more collapsed by `tidy`). Besides
// reading well, that makes the conversion compositional: the text of an email assembled from parts equals the
// parts' texts joined by a blank line, which core/digests/render relies on. No word wrap, for the same reason
// (and clients wrap plain text themselves).
const block = { leadingLineBreaks: 2, trailingLineBreaks: 2 };
const convert = compile({
  wordwrap: false,
  selectors: [
    { selector: ".preheader", format: "skip" },
    ...["h1", "h2", "h3"].map((selector) => ({ selector, options: { ...block, uppercase: false } })),
    ...["div", "p", "table", "ul", "section"].map((selector) => ({ selector, options: block })),
    { selector: "a", options: { hideLinkHrefIfSameAsText: true, linkBrackets: ["<", ">"] } },
    { selector: "img", format: "skip" },
  ],
});

/** Trailing spaces go, runs of blank lines become one, and the ends are trimmed. */
export function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+|\n+$/g, "");
}

/** The plain-text part of an HTML email (or of a piece of one): links as `label <URL>`, the preheader left out. */
export function toText(html: string): string {
  return tidy(convert(html));
}
