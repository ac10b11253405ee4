/**
 * `/docs` runs only the Swagger UI we pinned: the page names one version of swagger-ui-dist, the same as the
 * devDependency installed here, and the integrity hash of each CDN file it loads is the SHA-384 of that file in
 * node_modules, so a version bump without new hashes fails here before a browser refuses the files. The page has
 * no inline script, and its policy allows those two URLs and our own start script, nothing else.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import { SWAGGER_UI_VERSION } from "../../functions/api/views/docs";
import { useLocalEnv } from "../helpers/local";

const DIST = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const CDN = `https://cdn.jsdelivr.net/npm/swagger-ui-dist@${SWAGGER_UI_VERSION}/`;

const sha384 = (file: string) => `sha384-${createHash("sha384").update(readFileSync(join(DIST, file))).digest("base64")}`;

/** Every `<script>` and `<link>` tag of the page, with its attributes. */
function tags(html: string): Array<{ name: string; attributes: Record<string, string> }> {
  return [...html.matchAll(/<(script|link)\b([^>]*)>/g)].map(([, name, attributes]) => ({
    name: name!,
    attributes: Object.fromEntries([...attributes!.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, key, value]) => [key!, value!])),
  }));
}

let page: string;
let policy: string;

beforeAll(async () => {
  useLocalEnv();
  process.env.TABLE_NAME ??= "unused"; // configuration asks for one; /docs reads no table
  const response = await app.request("/docs");
  expect(response.status).toBe(200);
  page = await response.text();
  policy = response.headers.get("content-security-policy") ?? "";
});

describe("/docs", () => {
  it("pins the version of swagger-ui-dist installed as a devDependency", () => {
    const installed = JSON.parse(readFileSync(join(DIST, "package.json"), "utf8")).version;
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8"));
    const declared = manifest.devDependencies["swagger-ui-dist"];
    expect(installed).toBe(SWAGGER_UI_VERSION);
    expect(declared).toBe(SWAGGER_UI_VERSION);
  });

  it("loads each CDN file with the SHA-384 of that file in the package, anonymously", () => {
    const remote = tags(page).filter((tag) => /^https:/.test(tag.attributes.src ?? tag.attributes.href ?? ""));
    expect(remote.map((tag) => tag.name).sort()).toEqual(["link", "script"]);
    for (const { attributes } of remote) {
      const url = attributes.src ?? attributes.href!;
      expect(url.startsWith(CDN), url).toBe(true);
      expect(attributes.integrity, url).toBe(sha384(url.slice(CDN.length)));
      expect(attributes.crossorigin, url).toBe("anonymous");
    }
  });

  it("has no inline script; it starts Swagger UI from our own script", async () => {
    const scripts = tags(page).filter((tag) => tag.name === "script");
    expect(scripts.every((tag) => tag.attributes.src)).toBe(true);
    expect(page).not.toMatch(/<script\b[^>]*>[^<\s]/);
    const init = scripts.find((tag) => tag.attributes.src!.startsWith("/"))!.attributes.src!;
    const response = await app.request(init);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(await response.text()).toContain("SwaggerUIBundle(");
  });

  it("allows scripts from our origin and the pinned file, styles from the pinned file, nothing inline", () => {
    const directive = (name: string) => policy.split(/;\s*/).find((d) => d.startsWith(`${name} `))?.split(" ").slice(1);
    expect(directive("script-src")).toEqual(["'self'", `${CDN}swagger-ui-bundle.js`]);
    expect(directive("style-src")).toEqual([`${CDN}swagger-ui.css`]);
    expect(policy).not.toContain("unsafe-");
    expect(directive("frame-ancestors")).toEqual(["'none'"]);
  });
});
