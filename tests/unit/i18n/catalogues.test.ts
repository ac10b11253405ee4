import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { beforeAll, describe, expect, it } from "vitest";
import * as I18n from "../../../core/i18n";
import { catalogues } from "../../../core/i18n/catalogues";

/** What a message takes: its placeholders (`name`), tags (`<link>`) and plurals (`count:plural`), sorted. */
function shape(text: string): string[] {
  const found = new Set<string>();
  const walk = (nodes: MessageFormatElement[]) => {
    for (const node of nodes) {
      if (node.type === TYPE.argument || node.type === TYPE.number || node.type === TYPE.date || node.type === TYPE.time) found.add(node.value);
      if (node.type === TYPE.tag) {
        found.add(`<${node.value}>`);
        walk(node.children);
      }
      if (node.type === TYPE.plural || node.type === TYPE.select) {
        found.add(`${node.value}:${node.type === TYPE.plural ? "plural" : "select"}`);
        for (const option of Object.values(node.options)) walk(option.value);
      }
    }
  };
  walk(parse(text));
  return [...found].sort();
}

/** The plural categories each plural of a message gives (`count: one,few,many,other`). */
function plurals(text: string): string[] {
  const found: string[] = [];
  const walk = (nodes: MessageFormatElement[]) => {
    for (const node of nodes) {
      if (node.type === TYPE.tag) walk(node.children);
      if (node.type === TYPE.plural || node.type === TYPE.select) {
        const categories = Object.keys(node.options).filter((key) => !key.startsWith("="));
        if (node.type === TYPE.plural) found.push(`${node.value}: ${categories.sort().join(",")}`);
        for (const option of Object.values(node.options)) walk(option.value);
      }
    }
  };
  walk(parse(text));
  return found;
}

const flat = (language: string) =>
  new Map(
    Object.entries(catalogues[language] ?? {}).flatMap(([area, messages]) =>
      Object.entries(messages).map(([name, text]) => [`${area}.${name}`, text] as const),
    ),
  );

const source = flat(I18n.SOURCE);
const others = I18n.available.filter((language) => language !== I18n.SOURCE);

describe("message catalogues", () => {
  beforeAll(() => I18n.load());

  it("ship English and Ukrainian", () => {
    expect(I18n.available).toEqual(expect.arrayContaining(["en", "uk"]));
    expect(source.size).toBeGreaterThan(0);
  });

  it.each(I18n.available)("%s: every message parses as ICU MessageFormat", (language) => {
    for (const [key, text] of flat(language)) expect(() => parse(text), `${language} ${key}`).not.toThrow();
  });

  it.each(others)("%s has every English key, and no key English lacks", (language) => {
    const keys = [...flat(language).keys()].sort();
    expect(keys).toEqual([...source.keys()].sort());
  });

  it.each(others)("%s: each message takes the same placeholders, tags and plurals as the English", (language) => {
    for (const [key, text] of flat(language)) {
      const english = source.get(key);
      if (english !== undefined) expect(shape(text), `${language} ${key}`).toEqual(shape(english));
    }
  });

  it.each(I18n.available)("%s: every plural gives each of the language's plural categories", (language) => {
    const needed = new Intl.PluralRules(language).resolvedOptions().pluralCategories.slice().sort().join(",");
    for (const [key, text] of flat(language)) {
      for (const plural of plurals(text)) expect(plural.split(": ")[1], `${language} ${key} (${plural})`).toBe(needed);
    }
  });

  it("Ukrainian plurals take the three forms by the number's ending", () => {
    const { t } = I18n.translator("uk");
    // A message of the catalogue with a count, or the check would prove nothing: one must exist.
    const counted = [...flat("uk")].find(([, text]) => plurals(text).length > 0);
    expect(counted, "a Ukrainian message with a plural").toBeDefined();
    const [key, text] = counted!;
    const name = plurals(text)[0]!.split(":")[0]!;
    const [one, few, many] = [1, 3, 5].map((count) => t(key as I18n.MessageKey, { [name]: count }));
    expect(new Set([one, few, many]).size).toBe(3);
    expect(t(key as I18n.MessageKey, { [name]: 21 }).replace("21", "1")).toBe(one);
    expect(t(key as I18n.MessageKey, { [name]: 22 }).replace("22", "3")).toBe(few);
    expect(t(key as I18n.MessageKey, { [name]: 11 }).replace("11", "5")).toBe(many);
  });
});
