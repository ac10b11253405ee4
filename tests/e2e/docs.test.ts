/**
 * `/docs` in a real browser (Debian's Chromium), offline: the CDN is answered from node_modules/swagger-ui-dist,
 * the devDependency at the version the page pins, so Swagger UI renders only if the page's integrity hashes match
 * those files. It renders every operation under the route's policy, and runs one, with nothing refused; a file
 * changed on the CDN is refused by the browser and nothing of it runs. And the watch on the policy sees a refusal.
 */
import { serve, type ServerType } from "@hono/node-server";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import { launchBrowser, SCREENSHOTS, watchCsp } from "../helpers/browser";
import { useLocalStack } from "../helpers/local";

useLocalStack();

const DIST = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const CDN = /^https:\/\/cdn\.jsdelivr\.net\/npm\/swagger-ui-dist@([^/]+)\/(.+)$/;
const TYPES: Record<string, string> = { js: "text/javascript", css: "text/css" };

let server: ServerType;
let base: string;
let browser: Browser;

beforeAll(async () => {
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => ready());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => server.close(() => done()));
});

/**
 * A context whose requests to the CDN are answered from the package (changed by `tamper`, if given), as jsDelivr
 * answers them: with CORS, which the page's `crossorigin="anonymous"` needs. Answers the files asked for.
 */
async function offlineCdn(context: BrowserContext, tamper?: (file: string, body: Buffer) => Buffer): Promise<string[]> {
  const served: string[] = [];
  await context.route(CDN, async (route) => {
    const [, version, file] = CDN.exec(route.request().url())!;
    const installed = JSON.parse(readFileSync(join(DIST, "package.json"), "utf8")).version;
    if (version !== installed) return route.fulfill({ status: 404, body: `not the installed version ${installed}` });
    const body = readFileSync(join(DIST, file!));
    served.push(file!);
    await route.fulfill({
      status: 200,
      body: tamper ? tamper(file!, body) : body,
      headers: {
        "content-type": TYPES[file!.split(".").pop()!] ?? "application/octet-stream",
        "access-control-allow-origin": "*",
      },
    });
  });
  return served;
}

describe("/docs in a browser", () => {
  it("renders Swagger UI over every operation from the pinned, hash-checked files, with nothing refused", async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const refused = await watchCsp(context);
    const served = await offlineCdn(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    const response = await page.goto(`${base}/docs`);
    expect(response?.status()).toBe(200);
    await page.locator(".opblock").first().waitFor({ timeout: 60_000 });
    const { paths } = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, object> };
    const documented = Object.values(paths).flatMap((byMethod) => Object.keys(byMethod)).length;
    expect(await page.locator(".opblock").count()).toBe(documented);
    await page.getByText("Tidings", { exact: false }).first().waitFor();
    // Open an operation and try it: its request goes to our origin, which the policy allows.
    await page.locator(".opblock-summary", { hasText: "/healthz" }).first().click();
    await page.getByRole("button", { name: "Try it out" }).click();
    await page.getByRole("button", { name: "Execute" }).click();
    await page.locator(".live-responses-table .response-col_status", { hasText: "200" }).first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, "docs-1200.png") });

    expect(served.sort()).toEqual(["swagger-ui-bundle.js", "swagger-ui.css"]);
    expect(errors).toEqual([]);
    expect(refused).toEqual([]);
    await context.close();
  });

  it("refuses a script changed on the CDN: it does not run, and Swagger UI does not start", async () => {
    const context = await browser.newContext();
    const served = await offlineCdn(context, (file, body) =>
      file.endsWith(".js") ? Buffer.concat([body, Buffer.from("\nwindow.tampered = true;\n")]) : body,
    );
    const page = await context.newPage();
    const messages: string[] = [];
    page.on("console", (message) => messages.push(message.text()));
    await page.goto(`${base}/docs`);
    await expect.poll(() => messages.some((text) => /integrity/i.test(text)), { timeout: 30_000 }).toBe(true);
    expect(served).toContain("swagger-ui-bundle.js");
    expect(await page.evaluate("typeof window.tampered")).toBe("undefined");
    expect(await page.evaluate("typeof window.SwaggerUIBundle")).toBe("undefined");
    expect(await page.locator(".opblock").count()).toBe(0);
    await context.close();
  });

  it("the watch on the policy sees what a reader page's policy refuses", async () => {
    const context = await browser.newContext();
    const refused = await watchCsp(context);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    expect(refused).toEqual([]);
    // A style attribute set by a script, as injected markup would carry one: the page's style-src refuses it.
    await page.evaluate(`document.body.setAttribute("style", "background: red")`);
    await expect.poll(() => refused.length).toBeGreaterThan(0);
    expect(refused.join("\n")).toMatch(/style-src/);
    await context.close();
  });
});
