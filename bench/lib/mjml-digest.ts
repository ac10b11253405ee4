/**
 * The approach Tidings avoids: compiling the MJML digest template for every recipient (MJML's parser, its
 * tables and CSS inlining, minification), then rendering the result with LiquidJS and the same data as
 * `renderFull` (core/digests/render/full.ts), then the text part. The compile step is the build script's own
 * (`compileFile`), so for the same reader the HTML must equal what render-once assembles.
 */
import { join } from "node:path";
import type { PrepareInput, Recipient } from "../../core/digests/render";
import { personal } from "../../core/digests/render/personal";
import { select } from "../../core/digests/render/select";
import { view } from "../../core/digests/render/view";
import { compileFile } from "../../scripts/build-templates";
import { renderLayout } from "../../templates/engine";
import { toText } from "../../templates/html";

const DIGEST_MJML = join(import.meta.dirname, "..", "..", "templates", "mjml", "digest.mjml");

/** One reader's copy, the MJML template compiled afresh for them; null when they have nothing to read. */
export async function renderWithMjml(input: PrepareInput, recipient: Recipient): Promise<{ html: string; text: string } | null> {
  const v = view(input);
  const selection = select(v.plan, recipient);
  if (!selection) return null;
  const compiled = await compileFile(DIGEST_MJML); // a new template object: LiquidJS parses it again too
  const values = personal(recipient, selection, v.plan, v.voteTopics.map((topic) => topic.id), v.issuedAt);
  const groups = (list: typeof selection.sections) =>
    list.map((group) => ({
      topic: { title: v.topicTitles.get(group.topicId) ?? group.topicId },
      articles: group.articleIds.map((id) => v.cards.get(id)),
    }));
  const html = renderLayout(compiled, {
    ...v.shared,
    name: values.name,
    preheader: values.preheader,
    links: { manage: values.manageUrl, unsubscribe: values.unsubscribeUrl },
    vote_links: values.voteUrls,
    delivery_comment: values.deliveryComment,
    asked: groups(selection.asked),
    sections: groups(selection.sections),
  });
  return { html, text: toText(html) };
}
