/**
 * Compiles the MJML email templates (`templates/mjml/*.mjml`) into TypeScript modules of HTML-with-Liquid
 * (`templates/compiled/*.ts`), which are committed. MJML (its tables, CSS inlining and minification) runs here,
 * at build time, once: it is a dev dependency and never reaches a Lambda bundle.
 *
 *   npm run build:templates
 *
 * Besides MJML's own `<mj-include>`, the sources may mark a piece with the build-time directive
 * `{% partial 'name', args %}…{% endpartial %}` (inside `<mj-raw>`, since MJML drops bare text between
 * components). The compiled piece is cut out into its own template `name`, and the directive is replaced by
 * `{% render 'name', args %}`, so the piece can be rendered on its own (core/digests/render renders each article
 * card once per digest) and inside the whole template, with the same bytes either way.
 *
 * Every word is a message of the catalogues (core/i18n), put in at build time by the directive
 * `{% t 'area.key', placeholder: liquid.expression %}`: each template is compiled once per language, and a
 * message's `{placeholder}` becomes `{{ liquid.expression }}`, escaped at render time like any value. A message
 * may hold `<strong>`/`<em>` and a tag named by an argument, which becomes a link to it
 * (`{% t 'emails.footer.manage', link: links.manage %}` with `<link>Manage preferences</link>`). Plurals and
 * selects are chosen at render time, so they are formatted in code and passed as values. `{% language %}` is the
 * language's code (`<mjml lang="{% language %}">`).
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import mjml2html from "mjml";
import { AVAILABLE_MODULE, buildAvailable, buildCatalogues, CATALOGUES_MODULE, readCatalogues } from "./build-catalogues";

const root = resolve(import.meta.dirname, "..");
const sources = join(root, "templates", "mjml");
const output = join(root, "templates", "compiled");

/** One compiled template: the document and the pieces cut out of it, all Liquid source. */
export interface Compiled {
  layout: string;
  partials: Record<string, string>;
}

// An innermost directive: its body holds no other `{% partial`. The dashes ({%- -%}) carry over to `render`.
const directive =
  /\{%(-?)\s*partial\s+'([a-z][a-z0-9-]*)'\s*((?:,[^%]*?)?)\s*(-?)%\}((?:(?!\{%-?\s*partial\s)[\s\S])*?)\{%-?\s*endpartial\s*-?%\}/;

/** Cuts every `{% partial %}` directive out of compiled HTML, innermost first. */
export function extractPartials(html: string): Compiled {
  const partials: Record<string, string> = {};
  let layout = html;
  for (let match = directive.exec(layout); match; match = directive.exec(layout)) {
    const [whole, lead, name, args, trail, body] = match as unknown as [string, string, string, string, string, string];
    if (name in partials) throw new Error(`partial '${name}' is defined twice`);
    partials[name] = body.trim();
    const call = `{%${lead} render '${name}'${args.trimEnd()} ${trail}%}`;
    layout = layout.slice(0, match.index) + call + layout.slice(match.index + whole.length);
  }
  if (/\{%-?\s*(end)?partial\b/.test(layout)) throw new Error("an unmatched {% partial %} or {% endpartial %}");
  return { layout, partials };
}

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "{": "&#123;", "}": "&#125;" };
// Braces too: a translation must never be read as Liquid.
const escape = (text: string) => text.replace(/[&<>"'{}]/g, (c) => entities[c]!);
const TAGS = new Set(["strong", "em"]);

/** One message as HTML-with-Liquid: its text escaped, its placeholders Liquid outputs of the expressions given. */
export function messageHtml(text: string | undefined, key: string, language: string, args: Record<string, string>): string {
  if (text === undefined) throw new Error(`no message '${key}' in the ${language} catalogue`);
  const element = (node: MessageFormatElement): string => {
    switch (node.type) {
      case TYPE.literal:
        return escape(node.value);
      case TYPE.argument: {
        const expression = args[node.value];
        if (!expression) throw new Error(`'${key}' has {${node.value}}: pass ${node.value}: <expression> to {% t %}`);
        return `{{ ${expression} }}`;
      }
      case TYPE.tag: {
        const inner = node.children.map(element).join("");
        if (TAGS.has(node.value)) return `<${node.value}>${inner}</${node.value}>`;
        const href = args[node.value];
        if (!href) throw new Error(`'${key}' has <${node.value}>: pass ${node.value}: <link expression> to {% t %}`);
        return `<a href="{{ ${href} }}">${inner}</a>`;
      }
      default:
        throw new Error(`'${key}' has a plural, select or format: format it in code and pass the text as a value`);
    }
  };
  return parse(text).map(element).join("");
}

const translate = /\{%-?\s*t\s+'([a-z0-9_.-]+)'\s*((?:,[^%]*?)?)\s*-?%\}/g;

/** Puts `language`'s messages in for every `{% t %}` directive, and its code for `{% language %}`. */
export function localize(html: string, language: string, messages: ReadonlyMap<string, string>): string {
  return html
    .replace(/\{%-?\s*language\s*-?%\}/g, language)
    .replace(translate, (_whole, key: string, list: string) => {
      const args: Record<string, string> = {};
      for (const pair of list.replace(/^\s*,/, "").split(",").filter((part) => part.trim())) {
        const [name = "", expression = ""] = pair.split(":").map((part) => part.trim());
        if (!/^[a-z_][a-z0-9_]*$/i.test(name) || !/^[a-z_][a-z0-9_.[\]'"-]*$/i.test(expression)) {
          throw new Error(`{% t '${key}' %}: '${pair.trim()}' is not 'name: expression'`);
        }
        args[name] = expression;
      }
      return messageHtml(messages.get(key), key, language, args);
    });
}

/** A template compiled in every language of the catalogues, by language code. */
export type Localized = Record<string, Compiled>;

/** Compiles one MJML document; fails on any MJML validation error. */
export async function compileFile(file: string): Promise<Localized> {
  const catalogues = await readCatalogues();
  const result = await mjml2html(await readFile(file, "utf8"), {
    filePath: file,
    ignoreIncludes: false,
    includePath: sources,
    validationLevel: "strict",
    minify: true,
    keepComments: false,
    fonts: {}, // system fonts only: no web-font links for clients to fetch
  });
  if (result.errors.length) {
    throw new Error(`${basename(file)}: ${result.errors.map((e) => e.formattedMessage).join("; ")}`);
  }
  const localized: Localized = {};
  for (const [language, messages] of catalogues) {
    const html = localize(result.html, language, messages);
    if (/\{%-?\s*(t|language)\s/.test(html)) throw new Error(`${basename(file)}: a {% t %} directive that is not 'key', name: expression`);
    localized[language] = extractPartials(html);
  }
  return localized;
}

/** Every generated module, by its path, exactly as `npm run build:templates` writes it. */
export async function build(): Promise<Map<string, string>> {
  const files = (await readdir(sources)).filter((name) => name.endsWith(".mjml")).sort();
  const modules = new Map<string, string>();
  for (const name of files) {
    const compiled = await compileFile(join(sources, name));
    modules.set(join(output, name.replace(/\.mjml$/, ".ts")), moduleSource(name, compiled));
  }
  return modules;
}

function moduleSource(name: string, localized: Localized): string {
  const languages = Object.entries(localized).flatMap(([language, compiled]) => [
    `  ${JSON.stringify(language)}: {`,
    `    layout: ${JSON.stringify(compiled.layout)},`,
    `    partials: {`,
    ...Object.keys(compiled.partials)
      .sort()
      .map((key) => `      ${JSON.stringify(key)}: ${JSON.stringify(compiled.partials[key])},`),
    `    },`,
    `  },`,
  ]);
  return [
    `// Generated by scripts/build-templates.ts from templates/mjml/${name}: do not edit; run npm run build:templates.`,
    `import type { LocalizedTemplate } from "../engine";`,
    ``,
    `export default {`,
    ...languages,
    `} satisfies LocalizedTemplate;`,
    ``,
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const modules = new Map([[CATALOGUES_MODULE, await buildCatalogues()], [AVAILABLE_MODULE, await buildAvailable()], ...(await build())]);
  for (const [path, source] of modules) {
    await writeFile(path, source);
    console.log(`wrote ${path.slice(root.length + 1)} (${Buffer.byteLength(source)} bytes)`);
  }
}
