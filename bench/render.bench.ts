/**
 * Personalised digests per second on one core: Tidings' render-once engine as the send worker uses it (the digest
 * prepared once per variant, then `digestMessage` per reader: assembly and substitution) against rendering per
 * recipient: LiquidJS from the precompiled template (`renderFull`, the reference the fast path must equal), the MJML
 * template compiled per recipient and then rendered with the same data, and an equivalent react-email component.
 * Same 20-article digest, same seeded free and patron readers for all. Outputs are checked where they must agree
 * (MJML per recipient and Liquid per recipient give the very bytes render-once assembles; react-email links the
 * same articles and personal URLs), and the bench fails if they do not. Then render-once with both languages in the
 * mix (half the articles translated into Ukrainian, readers English and Ukrainian in turn, prepared per variant and
 * language) beside the single-language figure, measured alternately in the same run: the issue asks that it stay
 * within 10% per recipient. Prints figures; asserts no times.
 */
import { performance } from "node:perf_hooks";
import { digestMessage, prepare, renderFull, type Prepared } from "../core/digests/render";
import type { AddressedRecipient, Variant } from "../core/digests/types";
import { configure, digestInput, readers } from "./lib/digest-fixture";
import { renderWithMjml } from "./lib/mjml-digest";
import { renderWithReactEmail } from "./lib/react-digest";
import { fmt, table, writeResult } from "./lib/report";

interface Copy {
  html: string;
  text: string;
}
type Renderer = (reader: AddressedRecipient) => Copy | null | Promise<Copy | null>;

configure();
const inputs = { free: digestInput("free"), patron: digestInput("patron") } satisfies Record<Variant, unknown>;
const audience = readers(2_000);
const LANGUAGES = ["en", "uk"] as const;
const variantKey = (reader: AddressedRecipient) => `${reader.variant}:${reader.language ?? "en"}`;
const bilingualInputs = Object.fromEntries(
  (["free", "patron"] as const).flatMap((variant) => LANGUAGES.map((language) => [`${variant}:${language}`, digestInput(variant, { language, bilingual: true })])),
);
const mixedAudience = readers(2_000, 48, LANGUAGES);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** Renders readers in turn for at least `seconds` (and at least `min` of them); ms per recipient and a sample size. */
async function measure(render: Renderer, seconds: number, min: number, people = audience) {
  for (const reader of people.slice(0, 5)) await render(reader); // warm up: JIT, caches, lazy imports
  gc();
  let count = 0;
  const started = performance.now();
  while (count < min || performance.now() - started < seconds * 1000) {
    const copy = await render(people[count % people.length]!);
    if (!copy) throw new Error("a benchmark reader had nothing to read");
    count++;
  }
  const ms = (performance.now() - started) / count;
  return { ms, perSecond: 1000 / ms, recipients: count };
}

// Render once: the template engine and the text conversion run here, per variant (the send worker caches these).
const prepareTimes: number[] = [];
let prepared: Record<Variant, Prepared> = { free: prepare(inputs.free), patron: prepare(inputs.patron) };
for (let i = 0; i < 10; i++) {
  const started = performance.now();
  prepared = { free: prepare(inputs.free), patron: prepare(inputs.patron) };
  prepareTimes.push(performance.now() - started);
}
const prepareMs = [...prepareTimes].sort((a, b) => a - b)[5]!;

// Both languages: prepared once per variant and language (four preparations), as the send worker does.
const prepareBoth = () => Object.fromEntries(Object.entries(bilingualInputs).map(([key, input]) => [key, prepare(input)])) as Record<string, Prepared>;
const prepareBothTimes: number[] = [];
let preparedBoth = prepareBoth();
for (let i = 0; i < 10; i++) {
  const started = performance.now();
  preparedBoth = prepareBoth();
  prepareBothTimes.push(performance.now() - started);
}
const prepareBothMs = [...prepareBothTimes].sort((a, b) => a - b)[5]!;

const approaches: Array<{ key: string; label: string; render: Renderer; seconds: number; min: number }> = [
  { key: "renderOnce", label: "Render once, personalise per reader (Tidings)", render: (r) => digestMessage(prepared[r.variant], r), seconds: 5, min: 2_000 },
  { key: "liquid", label: "LiquidJS per recipient (precompiled MJML)", render: (r) => renderFull(inputs[r.variant], r), seconds: 8, min: 50 },
  { key: "reactEmail", label: "react-email per recipient", render: (r) => renderWithReactEmail(inputs[r.variant], r), seconds: 12, min: 30 },
  { key: "mjml", label: "MJML compiled per recipient, then LiquidJS", render: (r) => renderWithMjml(inputs[r.variant], r), seconds: 20, min: 20 },
];

// Outputs first: the approaches that must agree do, byte for byte, on a sample of free and patron readers.
const sample = [...audience.slice(0, 12), ...audience.filter((r) => r.votedTopicIds).slice(0, 4)];
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
const articleLinks = (html: string) => hrefs(html).filter((href) => href.includes("/2026/11/"));
const personalLinks = (html: string) => hrefs(html).filter((href) => /\/(preferences|unsubscribe|vote)\?/.test(href)).sort();
const checks: string[] = [];
const htmlBytes: Record<string, number> = { renderOnce: 0, liquid: 0, reactEmail: 0, mjml: 0 };
for (const reader of sample) {
  const once = digestMessage(prepared[reader.variant], reader)!;
  const mjml = (await renderWithMjml(inputs[reader.variant], reader))!;
  const liquid = renderFull(inputs[reader.variant], reader)!;
  const react = (await renderWithReactEmail(inputs[reader.variant], reader))!;
  const sizes = { renderOnce: once.html, liquid: liquid.html, reactEmail: react.html, mjml: mjml.html };
  for (const [key, html] of Object.entries(sizes)) htmlBytes[key]! += Buffer.byteLength(html) / sample.length;
  if (mjml.html !== once.html || mjml.text !== once.text) throw new Error(`MJML per recipient differs from render-once for ${reader.subscriberId}`);
  if (liquid.html !== once.html || liquid.text !== once.text) throw new Error(`renderFull differs from render-once for ${reader.subscriberId}`);
  if (articleLinks(react.html).join() !== articleLinks(once.html).join()) throw new Error(`react-email links other articles for ${reader.subscriberId}`);
  if (personalLinks(react.html).join() !== personalLinks(once.html).join()) throw new Error(`react-email has other personal links for ${reader.subscriberId}`);
}
checks.push(
  `MJML compiled per recipient and LiquidJS per recipient give byte-identical HTML and text to render-once for ${sample.length} readers (free and patron, some with "You asked")`,
  `react-email links the same articles in the same order and the same manage, unsubscribe and vote URLs for the same ${sample.length} readers`,
);
const bilingualArticles = bilingualInputs["free:en"]!.articles;
const ukVersions = new Set(bilingualArticles.filter((article) => article.language === "uk").map((article) => article.url));
const translatedOriginals = new Set(
  bilingualArticles.filter((article) => bilingualArticles.some((other) => other.translationOf === article.id)).map((article) => article.url),
);
const mixedSample = [...mixedAudience.slice(0, 12), ...mixedAudience.filter((r) => r.votedTopicIds).slice(0, 4)];
for (const reader of mixedSample) {
  const once = digestMessage(preparedBoth[variantKey(reader)]!, reader)!;
  const full = renderFull(bilingualInputs[variantKey(reader)]!, reader)!;
  if (full.html !== once.html || full.text !== once.text) throw new Error(`renderFull differs from render-once (both languages) for ${reader.subscriberId}`);
  if (once.language !== reader.language) throw new Error(`${reader.subscriberId} reads ${reader.language}, got ${once.language}`);
  const links = new Set(hrefs(once.html));
  const wrong = reader.language === "uk" ? translatedOriginals : ukVersions;
  if ([...wrong].some((url) => links.has(url))) throw new Error(`${reader.subscriberId} got a story in the other language where theirs exists`);
}
checks.push(
  `with both languages in the mix, render-once equals LiquidJS per recipient byte for byte for ${mixedSample.length} English and Ukrainian readers, each in their language with their language's versions of the stories`,
);
checks.forEach((check) => console.log(`✓ ${check}`));

const results: Record<string, Awaited<ReturnType<typeof measure>> & { label: string; htmlBytes: number }> = {};
for (const approach of approaches) {
  console.log(`measuring: ${approach.label}…`);
  const timed = await measure(approach.render, approach.seconds, approach.min);
  results[approach.key] = { label: approach.label, htmlBytes: htmlBytes[approach.key]!, ...timed };
}
const once = results.renderOnce!;

// One language against both in the mix, alternately (10 rounds of 1.5 s each), so drift in the machine's speed
// (other processes on a shared machine) falls on both alike: the cost is the median of each round's ratio, and each
// figure the median of its rounds.
console.log("measuring: render once, one language against both in the mix…");
const rounds = { single: [] as number[], bilingual: [] as number[], ratios: [] as number[] };
for (let round = 0; round < 10; round++) {
  const single = (await measure((r) => digestMessage(prepared[r.variant], r), 1.5, 1_000)).ms;
  const bilingual = (await measure((r) => digestMessage(preparedBoth[variantKey(r)]!, r), 1.5, 1_000, mixedAudience)).ms;
  rounds.single.push(single);
  rounds.bilingual.push(bilingual);
  rounds.ratios.push(bilingual / single);
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const singleMs = median(rounds.single);
const bilingualMs = median(rounds.bilingual);
const languageCost = median(rounds.ratios);
const ratio = (key: string) => results[key]!.ms / once.ms;
const mjmlRatio = ratio("mjml");

writeResult({
  name: "render",
  title: "Rendering personalised digests",
  figures: {
    articles: inputs.free.articles.length,
    readers: audience.length,
    patronShare: audience.filter((r) => r.variant === "patron").length / audience.length,
    prepareMsBothVariants: prepareMs,
    prepareMsBothVariantsBothLanguages: prepareBothMs,
    languages: { singleMs, bilingualMs, rounds, ratio: languageCost, required: 1.1, met: languageCost <= 1.1 },
    approaches: results,
    ratios: Object.fromEntries(Object.keys(results).map((key) => [key, ratio(key)])),
    bar: { required: 50, mjmlPerRecipientOverRenderOnce: mjmlRatio, met: mjmlRatio >= 50 },
    checks,
  },
  markdown: `
One core (one Node process, one thread), a 20-article weekly digest on six topics, ${fmt(audience.length)} seeded
readers (${fmt((100 * audience.filter((r) => r.variant === "patron").length) / audience.length)}% patrons with the
vote block and one-click vote links, the rest with the patron invitation; each following 0 to 3 topics; some
patrons see "You asked, we covered it"). Every copy has its own signed manage, unsubscribe and vote links. HTML and
the plain-text part are produced per recipient by every approach. Render-once is what the send worker does: the
digest prepared once per variant (${fmt(prepareMs, 1)} ms for both variants, not counted per recipient), then
\`digestMessage\` per reader. HTML KB: the mean over the ${sample.length} readers whose copies are compared below.

${table(
  ["Approach", "ms per recipient", "Recipients/s per core", "HTML KB", "Slower than render-once", "Recipients timed"],
  Object.values(results).map((r) => [
    r.label,
    fmt(r.ms, 3),
    fmt(r.perSecond),
    fmt(r.htmlBytes / 1000, 1),
    `${fmt(r.ms / once.ms, 0)}×`,
    fmt(r.recipients),
  ]),
)}

**Both languages in the mix** (issue 20): half the articles also in Ukrainian, the topics titled in both, readers
English and Ukrainian in turn, each given the version of each story in their language; prepared once per variant and
language (${fmt(prepareBothMs, 1)} ms for the four, not counted per recipient). Measured alternately with the
single-language digest above, ten rounds of 1.5 s each, the median round of each (the cost below is the median of
the rounds' ratios):

${table(
  ["Render once", "ms per recipient", "Recipients/s per core"],
  [
    ["One language (English readers, as before)", fmt(singleMs, 3), fmt(1000 / singleMs)],
    ["Both languages in the mix (English and Ukrainian readers)", fmt(bilingualMs, 3), fmt(1000 / bilingualMs)],
  ],
)}

Both languages cost ${fmt((languageCost - 1) * 100, 1)}% per recipient against one: ${languageCost <= 1.1 ? "within" : "NOT within"} the 10% the issue allows.

**The issue's bar:** render-once at least 50× faster per recipient than compiling the template per recipient —
measured ${fmt(mjmlRatio, 0)}× (${mjmlRatio >= 50 ? "met" : "NOT met"}).

Checked in the same run (the benchmark fails otherwise): ${checks.join("; ")}.
`,
});
