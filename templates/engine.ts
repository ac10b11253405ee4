/**
 * The Liquid side of the templates: one engine per compiled template, each template parsed once per process.
 * Every `{{ value }}` is HTML-escaped by `escapeHtml` (the engine's output escape); only values the code built as
 * HTML itself pass through `| raw`. core/digests/render escapes the personal values it substitutes with the same
 * function, so assembled and fully rendered emails are the same bytes.
 */
import { Liquid, type Template } from "liquidjs";
import * as I18n from "../core/i18n";

/** A template as scripts/build-templates.ts compiles it: the document and the pieces cut out of it. */
export interface CompiledTemplate {
  layout: string;
  partials: Record<string, string>;
}

/** A template compiled in every language of the catalogues, by language code (`en`, `uk`). */
export type LocalizedTemplate = Record<string, CompiledTemplate>;

/** The template in `language`, or in the source language (English) when it has no catalogue. */
export function inLanguage(template: LocalizedTemplate, language: string | undefined): CompiledTemplate {
  return template[language ?? I18n.SOURCE] ?? template[I18n.SOURCE]!;
}

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML content and (double-quoted) attribute values. */
export function escapeHtml(value: unknown): string {
  return (value === undefined || value === null ? "" : String(value)).replace(/[&<>"']/g, (c) => entities[c]!);
}

interface Loaded {
  liquid: Liquid;
  parsed: Map<string, Template[]>;
}

const loaded = new WeakMap<CompiledTemplate, Loaded>();

function load(compiled: CompiledTemplate): Loaded {
  let entry = loaded.get(compiled);
  if (!entry) {
    const liquid = new Liquid({
      templates: compiled.partials, // `{% render %}` finds the pieces here, never on disk
      outputEscape: escapeHtml,
      cache: true,
      strictFilters: true,
      // A misspelt variable fails loudly instead of rendering as nothing; `{% if x %}` may still test absence.
      strictVariables: true,
      lenientIf: true,
      jsTruthy: true, // "" and 0 are false, as the templates' `{% if name %}` expects
      ownPropertyOnly: true,
    });
    entry = { liquid, parsed: new Map() };
    loaded.set(compiled, entry);
  }
  return entry;
}

function parsed(compiled: CompiledTemplate, name: string | null): { liquid: Liquid; template: Template[] } {
  const { liquid, parsed } = load(compiled);
  const key = name ?? "";
  let template = parsed.get(key);
  if (!template) {
    const source = name === null ? compiled.layout : compiled.partials[name];
    if (source === undefined) throw new Error(`no partial named '${name}'`);
    template = liquid.parse(source);
    parsed.set(key, template);
  }
  return { liquid, template };
}

/** Renders the whole template with `scope`. */
export function renderLayout(compiled: CompiledTemplate, scope: object): string {
  const { liquid, template } = parsed(compiled, null);
  return liquid.renderSync(template, scope) as string;
}

/** Renders one piece cut out of the template, as `{% render 'name', … %}` inside it would. */
export function renderPartial(compiled: CompiledTemplate, name: string, scope: object): string {
  const { liquid, template } = parsed(compiled, name);
  return liquid.renderSync(template, scope) as string;
}
