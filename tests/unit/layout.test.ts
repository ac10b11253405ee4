/**
 * The layout holds: the HTTP layer (`functions/`) calls core's domains, never the table adapter (`core/db`), and
 * `core/` holds no HTTP and no pages. Checked on the import specifiers of every source file, so a new route that
 * reaches for `Db` fails here rather than in review.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((item) => {
    const path = join(dir, item.name);
    if (item.isDirectory()) return sources(path);
    return /\.(ts|tsx|mts)$/.test(item.name) ? [path] : [];
  });
}

/** Every module a file imports or re-exports (static, dynamic and side-effect imports), as written. */
function specifiers(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const found = text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm);
  return [...found].map((match) => match[1]!);
}

/** Where a relative specifier points, from the repository's root (`core/db`, `core/db/keys`); bare ones as they are. */
const target = (file: string, specifier: string) =>
  specifier.startsWith(".") ? relative(ROOT, resolve(ROOT, dirname(file), specifier)) : specifier;

const reachesDb = (path: string) => path === "core/db" || path.startsWith("core/db/") || path.startsWith("core/db.");

describe("the layout", () => {
  it("finds the files it checks, and sees an import of core/db where there is one", () => {
    expect(sources("functions")).toContain("functions/api/app.ts");
    expect(specifiers("core/topics/index.ts").map((s) => target("core/topics/index.ts", s))).toContain("core/db");
  });

  it("no file under functions/ imports core/db: routes and handlers call core's domains", () => {
    const offenders = sources("functions").flatMap((file) =>
      specifiers(file)
        .filter((specifier) => reachesDb(target(file, specifier)))
        .map((specifier) => `${file} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("core/ holds no HTTP and no pages: no Hono, no JSX", () => {
    const files = sources("core");
    expect(files.filter((file) => file.endsWith(".tsx"))).toEqual([]);
    const offenders = files.flatMap((file) =>
      specifiers(file)
        .filter((specifier) => /^(hono|@hono\/)/.test(specifier))
        .map((specifier) => `${file} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });
});
