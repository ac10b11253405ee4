/**
 * Markers stand in for what differs per reader while a digest is rendered once: values (name, links, preheader)
 * and holes (where assembled parts go). Each rendering uses a fresh random nonce, so no article text can forge
 * a marker; and markers contain nothing that HTML escaping or the text conversion would change.
 */
import { randomBytes } from "node:crypto";
import type { Segments } from "./types";

export interface Markers {
  /** A personal value inside text or an attribute. */
  value(key: string): string;
  /** A hole for assembled parts: a block of its own, so the text conversion puts it on lines of its own. */
  hole(key: string): string;
  splitHtml(html: string): Segments;
  splitText(text: string): Segments;
}

export function markers(): Markers {
  const nonce = randomBytes(8).toString("hex");
  const value = (key: string) => `⟦${nonce}:${key}⟧`;
  const hole = (key: string) => `<div>⟦${nonce}#${key}⟧</div>`;
  // In HTML a hole's <div> goes too: the parts replace it. In text, its lines are the parts' own.
  const inHtml = new RegExp(`<div>⟦${nonce}#([^⟧]+)⟧</div>|⟦${nonce}:([^⟧]+)⟧`, "g");
  const inText = new RegExp(`⟦${nonce}[#:]([^⟧]+)⟧`, "g");
  return { value, hole, splitHtml: (html) => split(html, inHtml), splitText: (text) => split(text, inText) };
}

function split(rendered: string, pattern: RegExp): Segments {
  const literals: string[] = [];
  const keys: string[] = [];
  let from = 0;
  for (const match of rendered.matchAll(pattern)) {
    literals.push(rendered.slice(from, match.index));
    keys.push((match[1] ?? match[2])!);
    from = match.index + match[0].length;
  }
  literals.push(rendered.slice(from));
  return { literals, keys };
}

/** Puts the values back where the markers were. Every key must have a value. */
export function fill(segments: Segments, values: Record<string, string>): string {
  let out = segments.literals[0]!;
  for (let i = 0; i < segments.keys.length; i++) {
    const value = values[segments.keys[i]!];
    if (value === undefined) throw new Error(`no value for marker ${segments.keys[i]}`);
    out += value + segments.literals[i + 1];
  }
  return out;
}
