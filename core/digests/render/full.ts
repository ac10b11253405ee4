/**
 * The reference path: the whole digest template rendered with Liquid from scratch, for one reader. Slow (the
 * engine and the text conversion run per call); what `personalise(prepare(…))` must equal, byte for byte.
 */
import localizedDigest from "../../../templates/compiled/digest";
import { inLanguage, renderLayout } from "../../../templates/engine";
import { toText } from "../../../templates/html";
import { personal } from "./personal";
import { select } from "./select";
import type { Recipient } from "../types";
import type { Personalised, PrepareInput } from "./types";
import { view } from "./view";

/** What the digest layout is rendered with for one reader, and the subject and preheader of their copy. */
export interface LayoutData {
  subject: string;
  preheader: string;
  /** The layout's whole scope: the variant's shared values, the reader's personal ones and their articles. */
  data: Record<string, unknown>;
  /** The language of the variant (the template is compiled once per language). */
  language: string;
}

/**
 * The layout's data for the reader's copy, or null when they have nothing to read. The one place it is built
 * for a per-reader render, so whatever renders the layout per reader (here, and the benchmarks) renders the same.
 */
export function layoutData(input: PrepareInput, recipient: Recipient): LayoutData | null {
  const v = view(input);
  const selection = select(v.plan, recipient);
  if (!selection) return null;
  const values = personal(recipient, selection, v.plan, v.voteTopics.map((topic) => topic.id), v.issuedAt);
  const topic = (id: string) => ({ title: v.topicTitles.get(id) ?? id });
  const groups = (list: typeof selection.sections) =>
    list.map((group) => ({ topic: topic(group.topicId), articles: group.articleIds.map((id) => v.cards.get(id)) }));
  const data = {
    ...v.shared,
    name: values.name,
    preheader: values.preheader,
    links: { manage: values.manageUrl, unsubscribe: values.unsubscribeUrl },
    vote_links: values.voteUrls,
    delivery_comment: values.deliveryComment,
    funded: selection.funded.map(({ title, url }) => ({ title, url })),
    asked: groups(selection.asked),
    sections: groups(selection.sections),
  };
  return { subject: v.subject, preheader: values.preheader, data, language: v.plan.language };
}

/** The reader's copy rendered in full, or null when they have nothing to read. */
export function renderFull(input: PrepareInput, recipient: Recipient): Personalised | null {
  const layout = layoutData(input, recipient);
  if (!layout) return null;
  const html = renderLayout(inLanguage(localizedDigest, layout.language), layout.data);
  return { subject: layout.subject, html, text: toText(html), preheader: layout.preheader };
}
