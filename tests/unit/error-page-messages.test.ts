/**
 * The error page says a `VisibleError`'s message in the reader's language when the `errors` catalogue knows it
 * (`errors.said.*`, matched on the English). A message reworded where it is thrown would silently fall back to its
 * code's more general words: each English `said` message must still be one the code throws.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import english from "../../core/i18n/messages/en/errors.json";

const root = resolve(import.meta.dirname, "../..");

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  const found = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === "messages" ? [] : sources(path);
      return /\.tsx?$/.test(entry.name) ? [await readFile(join(root, path), "utf8")] : [];
    }),
  );
  return found.flat();
}

describe("the error page's known messages", () => {
  it("are each thrown somewhere, word for word", async () => {
    const code = (await Promise.all(["core", "functions"].map(sources))).flat().join("\n");
    const said = Object.entries(english as Record<string, string>).filter(([key]) => key.startsWith("said."));
    expect(said.length).toBeGreaterThan(0);
    for (const [key, message] of said) expect(code.includes(message), `errors.${key}: "${message}"`).toBe(true);
  });
});
