/**
 * The escaping and text conversion every template uses. `html` is hono's tagged template (each interpolated
 * value is HTML-escaped unless it is itself `html`/`raw` output), narrowed to the synchronous case.
 */
import { html as honoHtml, raw } from "hono/html";
import { convert } from "html-to-text";

export { raw };

/** Escaped HTML: safe to interpolate into another `html` template as is. */
export type Html = ReturnType<typeof raw>;

/** What every template returns. */
export interface Rendered {
  subject: string;
  html: string;
  text: string;
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const out = honoHtml(strings, ...values);
  if (out instanceof Promise) throw new Error("templates are synchronous: a Promise was interpolated");
  return out;
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

/** The plain-text part, from the same HTML: links as URLs, the hidden preheader left out. */
export function toText(document: string): string {
  return convert(document, {
    wordwrap: 78,
    selectors: [
      { selector: ".preheader", format: "skip" },
      { selector: "h1", options: { uppercase: false } },
      { selector: "h2", options: { uppercase: false } },
      { selector: "a", options: { hideLinkHrefIfSameAsText: true, linkBrackets: ["<", ">"] } },
      { selector: "img", format: "skip" },
    ],
  });
}
