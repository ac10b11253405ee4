/**
 * Personalise per reader: no template engine and no text conversion here, only choosing parts rendered by
 * `prepare`, joining them, and putting the reader's values where the markers are. The result is the same, byte
 * for byte, as rendering the whole template for that reader (`renderFull`); the unit tests hold it to that.
 */
import { escapeHtml } from "../../../templates/engine";
import { fill } from "./markers";
import { personal, type Personal } from "./personal";
import { select } from "./select";
import type { Recipient } from "../types";
import type { Part, Personalised, Prepared } from "./types";

/** The reader's copy, or null when they have nothing to read (no covered article on a topic they follow). */
export function personalise(prepared: Prepared, recipient: Recipient): Personalised | null {
  return assemble(prepared, recipient)?.copy ?? null;
}

/** The copy and the personal values it was made with (digestMessage needs the unsubscribe link again). */
export function assemble(prepared: Prepared, recipient: Recipient): { copy: Personalised; personal: Personal } | null {
  const selection = select(prepared.plan, recipient);
  if (!selection) return null;
  const values = personal(recipient, selection, prepared.plan, prepared.voteTopicIds, new Date(prepared.issuedAt));

  const parts: Part[] = [];
  const add = (head: Part | undefined, articleIds: string[]) => {
    parts.push(required(head, "heading"), ...articleIds.map((id) => required(prepared.cards[id], `card ${id}`)));
  };
  for (const { title, url } of selection.funded) {
    const { html, text } = prepared.funded;
    parts.push({ html: fill(html, { title: escapeHtml(title), url: escapeHtml(url) }), text: fill(text, { title, url }) });
  }
  for (const group of selection.asked) add(prepared.askedHeads[group.topicId], group.articleIds);
  for (const group of selection.sections) add(prepared.sectionHeads[group.topicId], group.articleIds);

  const { named, anonymous } = prepared.greeting;
  const greeting = values.name
    ? { html: fill(named.html, { name: escapeHtml(values.name) }), text: fill(named.text, { name: values.name }) }
    : anonymous;

  const html: Record<string, string> = {
    greeting: greeting.html,
    reading: parts.map((part) => part.html).join(""),
    preheader: escapeHtml(values.preheader),
    manage: escapeHtml(values.manageUrl),
    unsubscribe: escapeHtml(values.unsubscribeUrl),
    delivery: values.deliveryComment, // an HTML comment, built from a checked id
  };
  const text: Record<string, string> = {
    greeting: greeting.text,
    // A blank line between blocks, as the text conversion puts it; a part with no text adds nothing.
    reading: parts.map((part) => part.text).filter(Boolean).join("\n\n"),
    preheader: "",
    manage: values.manageUrl,
    unsubscribe: values.unsubscribeUrl,
    delivery: "", // comments have no text
  };
  for (const [topicId, url] of Object.entries(values.voteUrls)) {
    html[`vote:${topicId}`] = escapeHtml(url);
    text[`vote:${topicId}`] = url;
  }

  const copy = {
    subject: prepared.subject,
    html: fill(prepared.frame.html, html),
    text: fill(prepared.frame.text, text),
    preheader: values.preheader,
  };
  return { copy, personal: values };
}

function required(part: Part | undefined, what: string): Part {
  if (!part) throw new Error(`the prepared digest has no ${what}`);
  return part;
}
