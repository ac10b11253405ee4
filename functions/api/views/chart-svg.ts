/**
 * A chart drawn by Apache ECharts into an SVG string, on the server: no DOM, no canvas, no script in the page.
 * Loaded only through `charts.tsx`'s `import()` (ECharts is about half a megabyte minified: no cold start pays for
 * it until a page draws a chart). Only the line and bar charts, the grid and the legend are registered, so the
 * bundle carries no other chart type.
 *
 * ECharts serialises its SVG with inline `style` attributes for fonts and a `<style>` of hover rules, which the
 * pages' Content-Security-Policy (styles by hash only) would refuse, with ids from process-wide counters (`zr3-c0`)
 * that differ from one render to the next, and with no accessible name when rendered without a DOM. So the chart is
 * taken as ECharts' own virtual SVG tree (the painter's `renderToVNode`, which `renderToSVGString` serialises),
 * drawn without hover or animation rules; and written out here: font styles become the presentation attributes
 * they are (`font-size="13px"`), the renderer's event metadata (`ecmeta_*`) is dropped, ids take the chart's id as
 * prefix, every attribute and text is escaped, and the root gets `role="img"` with a `<title>` and `<desc>`.
 */
import { BarChart, LineChart } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import type { ChartSpec } from "./charts";

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, AriaComponent, SVGRenderer]);

/** The size the chart is drawn at: the width of the pages' column; the SVG then scales to the width it is given. */
export const WIDTH = 540;
export const HEIGHT = 320;

/** Colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart also by line dash and bar pattern. */
const PALETTE = ["#1f5fa8", "#b3470e", "#2e6b34", "#6a3d9a", "#8a6d00", "#a8195a"];
const DASHES = ["solid", "dashed", "dotted"] as const;
const FONT = { fontFamily: "Helvetica, Arial, sans-serif", fontSize: 13, color: "#3d3d3d" };

/** The part of ECharts' SVG painter used here: its virtual tree, which `renderToSVGString` serialises. */
interface VNode {
  tag: string;
  attrs: Record<string, string | number | boolean | undefined>;
  children?: VNode[];
  text?: string;
}
interface SvgPainter {
  renderToVNode(opts: { animation: boolean; emphasis: boolean; willUpdate: boolean; compress: boolean; useViewBox: boolean }): VNode;
}

/** What the description and the table are written with: the spec's values, formatted. */
export interface Described {
  title: string;
  description: string;
  format: (value: number) => string;
}

function option(spec: ChartSpec, format: (value: number) => string): echarts.EChartsCoreOption {
  const line = spec.kind === "line";
  return {
    animation: false,
    // Decal patterns on bars, so that series are told apart without colour; the accessible name is set below.
    aria: { enabled: true, label: { enabled: false }, decal: { show: !line } },
    color: PALETTE,
    textStyle: FONT,
    // The grid shrinks until its axis labels fit the outer bounds. Without a canvas, ECharts estimates text widths
    // with Helvetica's metrics; the bounds leave room for a wider fallback font (DejaVu Sans on Linux).
    grid: { left: 16, right: 24, top: 44, bottom: 8, outerBounds: { left: 16, right: 24, top: 36, bottom: 4 } },
    legend: { top: 4, left: 0, selectedMode: false, textStyle: FONT, itemGap: 24 },
    xAxis: {
      type: "category",
      data: [...spec.labels],
      boundaryGap: !line,
      axisLabel: { ...FONT, hideOverlap: true },
      axisTick: { alignWithLabel: true },
    },
    yAxis: { type: "value", axisLabel: { ...FONT, formatter: (value: number) => format(value) } },
    series: spec.series.map((series, index) => ({
      type: spec.kind,
      name: series.name,
      data: [...series.values],
      silent: true,
      ...(line ? { showSymbol: false, lineStyle: { width: 2.5, type: DASHES[index % DASHES.length] } } : {}),
    })),
  };
}

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** `font-size:13px;font-family:…;` as presentation attributes; anything else in a style is a new ECharts' doing. */
function styleToAttributes(style: string): Array<[string, string]> {
  const allowed = new Set(["font-size", "font-family", "font-weight", "font-style"]);
  return style
    .split(";")
    .filter((declaration) => declaration.trim())
    .map((declaration) => {
      const colon = declaration.indexOf(":");
      const name = declaration.slice(0, colon).trim();
      if (colon < 0 || !allowed.has(name)) throw new Error(`chart SVG has a style the page policy would refuse: ${style}`);
      return [name, declaration.slice(colon + 1).trim()] as [string, string];
    });
}

/** The tree as SVG markup, fit for the pages' policy; ids renamed from ECharts' `zrN-` to `<prefix>-`. */
function serialise(node: VNode, prefix: string): string {
  if (node.tag === "style") throw new Error("chart SVG has a <style>, which the page policy would refuse");
  const renameIds = (value: string) => value.replace(/\bzr\d+-/g, `${prefix}-`);
  const attributes: string[] = [];
  for (const [name, value] of Object.entries(node.attrs)) {
    if (value === undefined || value === false || name.startsWith("ecmeta_")) continue;
    if (name === "style") {
      for (const [property, declared] of styleToAttributes(String(value))) attributes.push(`${property}="${escape(declared)}"`);
    } else if (value === true) {
      attributes.push(name);
    } else {
      attributes.push(`${name}="${escape(renameIds(String(value)))}"`);
    }
  }
  const children = (node.children ?? []).map((child) => serialise(child, prefix)).join("");
  return `<${[node.tag, ...attributes].join(" ")}>${escape(node.text ?? "")}${children}</${node.tag}>`;
}

/**
 * The chart as an inline SVG: `role="img"`, named by its `<title>` and described by its `<desc>`, as wide as its
 * container (no fixed width or height: the view box keeps its proportions). The same spec always gives the same
 * bytes.
 */
export function renderChartSvg(spec: ChartSpec, described: Described): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption(option(spec, described.format));
    const painter = chart.getZr().painter as unknown as SvgPainter;
    const root = painter.renderToVNode({ animation: false, emphasis: false, willUpdate: false, compress: true, useViewBox: true });
    const titleId = `${spec.id}-title`;
    const descId = `${spec.id}-desc`;
    const { width: _width, height: _height, ...attrs } = root.attrs;
    const svg: VNode = {
      tag: "svg",
      attrs: { ...attrs, width: "100%", role: "img", "aria-labelledby": `${titleId} ${descId}` },
      children: [
        { tag: "title", attrs: { id: titleId }, text: described.title },
        { tag: "desc", attrs: { id: descId }, text: described.description },
        ...(root.children ?? []),
      ],
    };
    return serialise(svg, spec.id);
  } finally {
    chart.dispose();
  }
}
