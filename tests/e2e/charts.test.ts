/**
 * Charts in a real browser (Debian's Chromium): a page in the pages' layout, under the pages' own
 * Content-Security-Policy middleware, with a 90-day line chart and a bar chart whose labels hold markup. At phone
 * and desktop widths nothing is refused by the policy, axe-core finds nothing serious, nothing is wider than the
 * viewport; each SVG parses as XML, is an image named by its title, and is as wide as its container.
 */
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { raw } from "hono/html";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "../../functions/api/security-headers";
import { Chart, type ChartSpec } from "../../functions/api/views/charts";
import { language } from "../../functions/api/language";
import { Layout } from "../../functions/api/views/layout";
import { launchBrowser, viewports } from "../helpers/browser";
import { useLocalEnv } from "../helpers/local";
import { checkPage, openPage } from "../helpers/pages";

const days = Array.from({ length: 90 }, (_, day) => new Date(Date.UTC(2026, 8, 1 + day)).toISOString().slice(0, 10));
const subscribers: ChartSpec = {
  id: "subscribers",
  kind: "line",
  title: "Subscribers by status, last 90 days",
  labels: days,
  series: ["Active", "Pending", "Unsubscribed", "Bounced <script>"].map((name, index) => ({
    name,
    values: days.map((_, day) => 1000 * (4 - index) + ((day * 37 + index * 11) % 200)),
  })),
};
const joins: ChartSpec = {
  id: "joins",
  kind: "bar",
  title: "Joins & churn <script>alert(1)</script> per month",
  labels: ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026", "May 2026", "Jun 2026"],
  series: [
    { name: "Joins", values: [120, 95, 143, 160, 151, 170] },
    { name: "Churn & <b>lapses</b>", values: [12, 30, 18, 0, 22, 25] },
  ],
  labelHeading: "Month",
};

let server: ServerType;
let base: string;
let browser: Browser;

beforeAll(async () => {
  useLocalEnv();
  process.env.TABLE_NAME ??= "tidings-test-charts"; // required by configuration; the page reads no table
  const app = new Hono();
  app.use(contentSecurityPolicy);
  app.use(language); // as the app does: the layout speaks the page's language
  app.get("/charts", async (c) => {
    const charts = await Promise.all([subscribers, joins].map(async (spec) => String(await String(await Chart(spec)))));
    return c.html(Layout({ title: "Charts", children: raw(`<h1>Charts</h1>${charts.join("")}`) }));
  });
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

describe("charts in the pages' layout", () => {
  for (const viewport of viewports) {
    it(`are accessible, within the policy and the viewport at ${viewport.width} px`, async () => {
      const { context, page } = await openPage(browser, viewport);
      const response = await page.goto(`${base}/charts`);
      expect(response!.headers()["content-security-policy"]).toContain("style-src 'sha256-");

      await checkPage(page, "charts");

      expect(await page.locator("script").count()).toBe(0);
      await expect(page.getByRole("img", { name: "Subscribers by status, last 90 days" }).count()).resolves.toBe(1);
      await expect(page.getByRole("img", { name: "Joins & churn <script>alert(1)</script> per month" }).count()).resolves.toBe(1);
      const sizes = (await page.evaluate(`[...document.querySelectorAll(".chart")].map((chart) => {
        const svg = chart.querySelector("svg").getBoundingClientRect();
        return { svg: svg.width, height: svg.height, container: chart.getBoundingClientRect().width };
      })`)) as Array<{ svg: number; height: number; container: number }>;
      expect(sizes).toHaveLength(2);
      for (const size of sizes) {
        expect(size.svg).toBeCloseTo(size.container, 0);
        expect(size.svg).toBeLessThanOrEqual(viewport.width);
        expect(size.height).toBeCloseTo((size.svg * 320) / 540, 0); // the view box's proportions
      }
      await context.close();
    });
  }

  it("serves SVG that parses as XML, with the tables of the same numbers after the charts", async () => {
    const { context, page } = await openPage(browser, viewports[1]);
    const html = await (await fetch(`${base}/charts`)).text();
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g)!;
    await page.goto(`${base}/charts`);

    expect(svgs).toHaveLength(2);
    for (const svg of svgs) {
      const error = await page.evaluate(
        `new DOMParser().parseFromString(${JSON.stringify(svg)}, "image/svg+xml").querySelector("parsererror")?.textContent ?? null`,
      );
      expect(error).toBeNull();
    }
    const table = page.getByRole("table", { name: joins.title });
    await expect(table.getByRole("row").count()).resolves.toBe(7);
    await expect(table.getByRole("columnheader", { name: "Churn & <b>lapses</b>" }).count()).resolves.toBe(1);
    await context.close();
  });
});
