/**
 * The approach Tidings avoids: compiling the MJML digest template for every recipient (MJML's parser, its
 * tables and CSS inlining, minification), then rendering the result with LiquidJS and the same data as
 * `renderFull` (`layoutData`, core/digests/render/full.ts), then the text part. The compile step is the build
 * script's own (`compileFile`), so for the same reader the HTML must equal what render-once assembles.
 */
import { join } from "node:path";
import type { PrepareInput } from "../../core/digests/render";
import { layoutData } from "../../core/digests/render/full";
import type { Recipient } from "../../core/digests/types";
import { compileFile } from "../../scripts/build-templates";
import { inLanguage, renderLayout } from "../../templates/engine";
import { toText } from "../../templates/html";

const DIGEST_MJML = join(import.meta.dirname, "..", "..", "templates", "mjml", "digest.mjml");

/** One reader's copy, the MJML template compiled afresh for them; null when they have nothing to read. */
export async function renderWithMjml(input: PrepareInput, recipient: Recipient): Promise<{ html: string; text: string } | null> {
  const layout = layoutData(input, recipient);
  if (!layout) return null;
  const compiled = await compileFile(DIGEST_MJML); // a new template object: LiquidJS parses it again too
  const html = renderLayout(inLanguage(compiled, recipient.language), layout.data);
  return { html, text: toText(html) };
}
