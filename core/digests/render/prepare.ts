/**
 * Render once: the Liquid engine and the HTML-to-text conversion run here, once per digest and variant. What
 * differs per reader is left as markers (see markers.ts) in a frame, and every part a reader's copy is assembled
 * from (greeting, section headings, article cards) is rendered on its own, as HTML and as text.
 */
import localizedDigest from "../../../templates/compiled/digest";
import { inLanguage, renderLayout, renderPartial } from "../../../templates/engine";
import { toText } from "../../../templates/html";
import { markers, type Markers } from "./markers";
import type { Part, PrepareInput, Prepared, Segments } from "./types";
import { view, type View } from "./view";

/**
 * Renders a digest once for one variant (patron or not, in one language); `personalise` then makes each reader's
 * copy from the result.
 */
export function prepare(input: PrepareInput): Prepared {
  const v = view(input);
  const digestTemplate = inLanguage(localizedDigest, v.plan.language);
  const m = markers();
  const part = (name: string, scope: object): Part => {
    const html = renderPartial(digestTemplate, name, scope);
    return { html, text: toText(html) };
  };
  const cut = (html: string) => ({ html: m.splitHtml(html), text: m.splitText(toText(html)) });

  const cards: Record<string, Part> = {};
  for (const [id, card] of v.cards) cards[id] = part("article-card", { article: card });

  const sectionHeads: Record<string, Part> = {};
  const askedHeads: Record<string, Part> = {};
  for (const topicId of headedTopics(v)) {
    const topic = { title: v.topicTitles.get(topicId) ?? topicId };
    sectionHeads[topicId] = part("topic-section", { topic });
    if (v.plan.variant === "patron") askedHeads[topicId] = part("you-asked", { topic });
  }

  const frame = cut(renderLayout(digestTemplate, frameScope(v, m)));
  expectKeys(frame.html, ["greeting", "reading", "preheader", "manage", "unsubscribe", "delivery"]);
  return {
    digestId: input.digest.id,
    variant: v.plan.variant,
    language: v.plan.language,
    subject: v.subject,
    issuedAt: v.issuedAt.toISOString(),
    plan: v.plan,
    frame,
    greeting: {
      named: cut(renderPartial(digestTemplate, "greeting", { name: m.value("name") })),
      anonymous: part("greeting", { name: "" }),
    },
    funded: cut(renderPartial(digestTemplate, "you-funded", { notice: { title: m.value("title"), url: m.value("url") } })),
    cards,
    sectionHeads,
    askedHeads,
    voteTopicIds: v.voteTopics.map((topic) => topic.id),
  };
}

/** The template's values with a marker for everything personal and a hole for each assembled part. */
function frameScope(v: View, m: Markers): object {
  const voteLinks = Object.fromEntries(v.voteTopics.map((topic) => [topic.id, m.value(`vote:${topic.id}`)]));
  return {
    ...v.shared,
    holes: { greeting: m.hole("greeting"), reading: m.hole("reading") },
    name: "",
    funded: [],
    asked: [],
    sections: [],
    preheader: m.value("preheader"),
    links: { manage: m.value("manage"), unsubscribe: m.value("unsubscribe") },
    vote_links: voteLinks,
    delivery_comment: m.value("delivery"),
  };
}

/** Every topic a section or "You asked" block of this digest could be headed by. */
function headedTopics(v: View): Set<string> {
  return new Set(v.plan.articles.flatMap((article) => article.covers));
}

function expectKeys(segments: Segments, keys: string[]): void {
  const missing = keys.filter((key) => !segments.keys.includes(key));
  if (missing.length) throw new Error(`the digest template lost its markers for ${missing.join(", ")}`);
}
