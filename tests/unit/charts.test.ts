/**
 * Charts (functions/api/views/charts.tsx): ECharts' SVG drawn on the server, well-formed, named and described for
 * assistive technology, with nothing the pages' Content-Security-Policy would refuse (no `style` attribute, no
 * `<style>`), escaping what editors typed, the same bytes for the same spec, and a table of exactly the figures
 * drawn.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as Config from "../../core/config";
import * as I18n from "../../core/i18n";
import { Chart, chartSvg, ChartTable, describeChart, type ChartSpec } from "../../functions/api/views/charts";

// Outside a request the charts speak the default language, which the settings name (LANGUAGES, default en,uk).
beforeAll(async () => {
  const settings = { PUBLIC_URL: "http://127.0.0.1:3000", SIGNING_SECRET: "a".repeat(40), MAIL_FROM: "Tidings <news@tidings.local>", POSTAL_ADDRESS: "1 Main Street", TABLE_NAME: "unused" };
  for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);
  Config.reset();
  await I18n.load();
});
afterAll(() => {
  vi.unstubAllEnvs();
  Config.reset();
});

/** 90 days from 1 September, four series of subscribers by status, with a gap before the snapshots began. */
function subscribersByStatus(overrides: Partial<ChartSpec> = {}): ChartSpec {
  const labels = Array.from({ length: 90 }, (_, day) => new Date(Date.UTC(2026, 8, 1 + day)).toISOString().slice(0, 10));
  const statuses = ["Active", "Pending", "Unsubscribed", "Bounced"];
  return {
    id: "subscribers",
    kind: "line",
    title: "Subscribers by status, last 90 days",
    labels,
    series: statuses.map((name, index) => ({
      name,
      values: labels.map((_, day) => (day < 3 && index === 3 ? null : 1000 * (4 - index) + ((day * 37 + index * 11) % 200))),
    })),
    ...overrides,
  };
}

function joinsAndChurn(overrides: Partial<ChartSpec> = {}): ChartSpec {
  return {
    id: "joins",
    kind: "bar",
    title: "Joins and churn per month",
    labels: ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"],
    series: [
      { name: "Joins", values: [120, 95, 143, 160] },
      { name: "Churn", values: [12, 30, 18, 0] },
    ],
    labelHeading: "Month",
    ...overrides,
  };
}

const html = async (element: Promise<unknown> | unknown) => String(await String(await element));

/**
 * Fails unless `xml` is well-formed as far as inline SVG needs: every tag closed in order, every attribute quoted,
 * no `<` or bare `&` in text or attribute values.
 */
function expectWellFormed(xml: string): void {
  const open: string[] = [];
  const token = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let at = 0;
  while ((match = token.exec(xml))) {
    at = token.lastIndex;
    const [, closing, name, attributes, selfClosing, text] = match;
    const content = text ?? attributes ?? "";
    expect(content.replace(/&(amp|lt|gt|quot|#\d+);/g, ""), "a bare & in the markup").not.toContain("&");
    if (text !== undefined) continue;
    if (closing) expect(open.pop(), `</${name}> closes another element`).toBe(name);
    else if (!selfClosing) open.push(name!);
  }
  expect(at, `not markup at: ${xml.slice(at, at + 80)}`).toBe(xml.length);
  expect(open, "elements left open").toEqual([]);
}

describe("a chart's SVG", () => {
  it("is well-formed inline SVG, an image named by its title and described by its figures", async () => {
    const svg = await chartSvg(subscribersByStatus());

    expectWellFormed(svg);
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*>/);
    expect(svg).toMatch(/^<svg [^>]*aria-labelledby="subscribers-title subscribers-desc"/);
    expect(svg).toContain('<title id="subscribers-title">Subscribers by status, last 90 days</title>');
    expect(svg).toContain(
      '<desc id="subscribers-desc">Line chart of 4 series, 2026-09-01 to 2026-11-29. Active: 4,000 first,',
    );
    expect(svg).toContain("Bounced: 1,");
    expect(svg).toContain(">Unsubscribed</text>"); // the legend
  });

  it("scales to its container: a view box, the full width and no fixed height", async () => {
    const root = (await chartSvg(joinsAndChurn())).match(/^<svg [^>]*>/)![0];

    expect(root).toContain('viewBox="0 0 540 320"');
    expect(root).toContain('width="100%"');
    expect(root).not.toMatch(/\sheight=/);
  });

  it("has nothing the pages' policy would refuse: no style attribute, no <style>, no script, no event handler", async () => {
    for (const spec of [subscribersByStatus(), joinsAndChurn()]) {
      const svg = await chartSvg(spec);

      expect(svg).not.toMatch(/\sstyle=/);
      expect(svg).not.toMatch(/<style/i);
      expect(svg).not.toMatch(/<script|\son\w+=|javascript:/i);
      expect(svg).toMatch(/font-size="13px"/); // the fonts ECharts wrote as styles, as presentation attributes
      expect(svg).not.toContain("ecmeta_");
    }
  });

  it("escapes what an editor typed in titles and series names", async () => {
    const spec = joinsAndChurn({
      title: `Joins <script>alert("t")</script> & churn`,
      series: [
        { name: "<script>x</script> & co", values: [1, 2, 3, 4] },
        { name: `"quoted" <b>`, values: [4, 3, 2, 1] },
      ],
    });
    const markup = await html(Chart(spec));

    expectWellFormed(markup);
    expect(markup).not.toMatch(/<script|<b>/i);
    expect(markup).toContain("Joins &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; churn");
    expect(markup).toContain("&lt;script&gt;x&lt;/script&gt; &amp; co");
  });

  it("is the same bytes for the same spec, whatever was drawn before, and unique ids per chart on a page", async () => {
    const first = await chartSvg(subscribersByStatus());
    await chartSvg(joinsAndChurn());
    const again = await chartSvg(subscribersByStatus());
    const other = await chartSvg(subscribersByStatus({ id: "subscribers-2" }));

    expect(again).toBe(first);
    const ids = (svg: string) => [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids(first).every((id) => id.startsWith("subscribers-"))).toBe(true);
    expect(ids(other).every((id) => id.startsWith("subscribers-2-"))).toBe(true);
    const references = [...first.matchAll(/url\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(references.length).toBeGreaterThan(0); // the series' clip path
    expect(references.every((id) => ids(first).includes(id))).toBe(true);
  });

  it("refuses a spec it cannot draw truthfully", async () => {
    await expect(chartSvg(joinsAndChurn({ id: "Not an id" }))).rejects.toThrow(/chart id/);
    await expect(chartSvg(joinsAndChurn({ series: [{ name: "Joins", values: [1, 2] }] }))).rejects.toThrow(/2 figures for 4 labels/);
    await expect(chartSvg(joinsAndChurn({ series: [] }))).rejects.toThrow(/no series/);
    await expect(chartSvg(joinsAndChurn({ series: [{ name: "J", values: [1, 2, NaN, 4] }] }))).rejects.toThrow(/not a number/);
  });
});

describe("a chart's table", () => {
  /** The table's cells, row by row, as text (entities decoded). */
  function cells(markup: string): string[][] {
    const table = markup.slice(markup.indexOf("<table>"));
    const decode = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
    return [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) => decode(cell[1]!)));
  }

  it("holds the very figures drawn: a row per label, a column per series, formatted alike", async () => {
    const spec = subscribersByStatus();
    const rows = cells(await html(ChartTable(spec)));

    expect(rows[0]).toEqual(["Date", "Active", "Pending", "Unsubscribed", "Bounced"]);
    expect(rows.slice(1)).toEqual(
      spec.labels.map((label, row) => [label, ...spec.series.map((series) => {
        const value = series.values[row];
        return value === null ? "–" : value!.toLocaleString("en-US");
      })]),
    );
  });

  it("is captioned with the chart's title, with column and row headers scoped", async () => {
    const markup = await html(ChartTable(joinsAndChurn()));

    expect(markup).toContain("<caption>Joins and churn per month</caption>");
    expect(markup).toContain('<th scope="col">Month</th><th scope="col">Joins</th><th scope="col">Churn</th>');
    expect(markup).toContain('<th scope="row">Apr 2026</th><td>160</td><td>0</td>');
  });

  it("is open under a short chart and folded in a <details> under a long one, unless told", async () => {
    expect(await html(ChartTable(joinsAndChurn()))).toMatch(/^<table>/);
    expect(await html(ChartTable(subscribersByStatus()))).toMatch(/^<details><summary>The numbers: Subscribers by status/);
    expect(await html(ChartTable(subscribersByStatus({ table: "open" })))).toMatch(/^<table>/);
  });

  it("writes figures with the chart's format, on the axis, in the table and in the description", async () => {
    const format = (cents: number) => `$${(cents / 100).toLocaleString("en-US")}`;
    const spec: ChartSpec = {
      id: "mrr",
      kind: "line",
      title: "Monthly recurring revenue",
      labels: ["Oct 2026", "Nov 2026"],
      series: [{ name: "MRR", values: [120_000, 150_000] }],
      format,
    };
    const markup = await html(Chart(spec));

    expect(markup).toContain('<th scope="row">Nov 2026</th><td>$1,500</td>');
    expect(describeChart(spec)).toBe("Line chart of 1 series, Oct 2026 to Nov 2026. MRR: $1,200 first, $1,500 last, lowest $1,200, highest $1,500.");
    expect(markup).toMatch(/>\$1,500<\/text>/);
  });
});
