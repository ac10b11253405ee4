/**
 * The digest preview in a real browser (Debian's Chromium): on a phone and a desktop, no horizontal overflow and
 * every article link visible, nothing refused by the preview's Content-Security-Policy. Screenshots are kept in
 * test-results/screenshots/.
 */
import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import { launchBrowser, SCREENSHOTS, viewports, watchCsp } from "../helpers/browser";
import { EDITOR_TOKEN, publish } from "../helpers/editor";
import { createDigest } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";

useLocalStack();

let server: ServerType;
let base: string;
let browser: Browser;
let digestId: string;
const articles = Array.from({ length: 20 }, (_, i) => ({
  id: `story-${i}`,
  title: i % 5 === 0 ? `A very long headline that keeps going ${"and going ".repeat(6)}${i}` : `Story number ${i} of the week`,
  topics: [["climate"], ["housing"], ["city-hall", "climate"]][i % 3]!,
  summary: `Summary of story ${i}: ${"what happened, who it affects and what comes next. ".repeat(2)}`,
  author: "Jo Reporter",
}));

beforeAll(async () => {
  await publish({ climate: "Climate", housing: "Housing", "city-hall": "City hall" }, articles);
  digestId = (await createDigest({ period: "2030-W20", intro: "This week in the city." })).id;
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

describe("digest preview in a browser", () => {
  for (const variant of ["free", "patron"] as const) {
    for (const viewport of viewports) {
      it(`fits a ${viewport.width} px ${viewport.name} with every article link visible (${variant})`, async () => {
        const context = await browser.newContext({
          viewport: { width: viewport.width, height: viewport.height },
          extraHTTPHeaders: { authorization: `Bearer ${EDITOR_TOKEN}` },
        });
        const refused = await watchCsp(context);
        const page = await context.newPage();
        const response = await page.goto(`${base}/api/digests/${digestId}/preview?variant=${variant}`);
        expect(response?.status()).toBe(200);

        const overflow = Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"));
        expect(overflow).toBeLessThanOrEqual(0);
        for (const article of articles) {
          const link = page.locator(`a[href="https://news.example.org/${article.id}"]`).first();
          await expect.poll(() => link.isVisible()).toBe(true);
          const box = await link.boundingBox();
          expect(box, article.id).not.toBeNull();
          expect(box!.x).toBeGreaterThanOrEqual(0);
          expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width + 0.5);
        }
        await page.screenshot({ path: join(SCREENSHOTS, `digest-${variant}-${viewport.width}.png`), fullPage: true });
        expect(refused, "refused by the preview's Content-Security-Policy").toEqual([]);
        await context.close();
      });
    }
  }
});
