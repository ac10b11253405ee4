import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { build, extractPartials } from "../../scripts/build-templates";

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
