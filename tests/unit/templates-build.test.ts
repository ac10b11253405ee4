import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { build, extractPartials, localize } from "../../scripts/build-templates";

describe("compiled templates", () => {
  it("are up to date with templates/mjml (run `npm run build:templates` after changing a template)", async () => {
    const modules = await build();

    expect(modules.size).toBeGreaterThanOrEqual(4);
    for (const [path, source] of modules) {
      const committed = await readFile(path, "utf8").catch(() => "(missing)");
      expect(committed, path).toBe(source);
    }
  }, 60_000);

  it("keep no MJML and no unrendered build directive", async () => {
    for (const source of (await build()).values()) {
      expect(source).not.toMatch(/<mj-|\{%-?\s*(end)?partial\b/);
    }
  }, 60_000);
});

describe("partial directives", () => {
  it("are cut out innermost first and replaced by render calls with their arguments", () => {
    const html = `A{%- partial 'outer', x: x -%}B{% partial 'inner', y: x.y %}C{% endpartial %}D{%- endpartial -%}E`;

    const compiled = extractPartials(html);

    expect(compiled.layout).toBe(`A{%- render 'outer', x: x -%}E`);
    expect(compiled.partials).toEqual({ inner: "C", outer: `B{% render 'inner', y: x.y %}D` });
  });

  it("refuses a partial defined twice or left open", () => {
    expect(() => extractPartials(`{% partial 'a' %}1{% endpartial %}{% partial 'a' %}2{% endpartial %}`)).toThrow(
      /twice/,
    );
    expect(() => extractPartials(`{% partial 'a' %}1`)).toThrow(/unmatched/);
  });
});

describe("the {% t %} directive", () => {
  const messages = new Map([
    ["a.hello", "Привіт, {name} & <strong>{place}</strong>!"],
    ["a.link", "Read <link>what we published</link> about '{'x'}'"],
    ["a.count", "{n, plural, one {# item} other {# items}}"],
  ]);

  it("puts the message in, escaped, its placeholders as Liquid outputs and its tags as HTML", () => {
    expect(localize(`<p>{% t 'a.hello', name: reader.name, place: topic.title %}</p><html lang="{% language %}">`, "uk", messages)).toBe(
      `<p>Привіт, {{ reader.name }} &amp; <strong>{{ topic.title }}</strong>!</p><html lang="uk">`,
    );
    // A tag named by an argument is a link; literal braces can never become Liquid.
    expect(localize(`{% t 'a.link', link: notice.url %}`, "en", messages)).toBe(
      `Read <a href="{{ notice.url }}">what we published</a> about &#123;x&#125;`,
    );
  });

  it("refuses a missing message, a placeholder without its expression, and a plural", () => {
    expect(() => localize(`{% t 'a.nope' %}`, "en", messages)).toThrow(/no message 'a.nope'/);
    expect(() => localize(`{% t 'a.hello', name: reader.name %}`, "en", messages)).toThrow(/\{place\}/);
    expect(() => localize(`{% t 'a.count', n: count %}`, "en", messages)).toThrow(/plural/);
  });
});
