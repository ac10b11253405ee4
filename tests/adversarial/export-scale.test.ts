/**
 * An export larger than API Gateway could ever have answered (6 MB, about 48,000 subscribers): 100,000 subscribers
 * in `npm run test:long` (a DynamoDB Local of its own), a few hundred in `npm test`. The file behind the link holds
 * every subscriber once, exactly what the export generator reads, formulas defused; the export's memory stays
 * flat, since the file goes to the bucket a part at a time. Prints how long seeding and exporting took and the
 * worker's resident memory.
 */
import { parse } from "csv-parse/sync";
import { expect, it } from "vitest";
import { createSubscribers } from "../helpers/factories";
import { csvNow, download, exportLink } from "../helpers/exports";
import { useLocalStackWith } from "../helpers/own-dynamodb";
import { LONG, byRun } from "./scale";

useLocalStackWith({ ownDynamoDb: LONG });
const SUBSCRIBERS = Number(process.env.EXPORT_SUBSCRIBERS ?? byRun(300, 100_000));
const MB = 1024 * 1024;

it(`exports ${SUBSCRIBERS.toLocaleString("en")} subscribers through the bucket`, async () => {
  const seeding = performance.now();
  await createSubscribers(SUBSCRIBERS, (i) => ({
    email: `export-${i}@example.com`,
    name: i % 1000 === 7 ? `=cmd|' /C calc'!A${i}` : i % 3 === 0 ? `Reader ${i}` : undefined,
    topics: i % 4 === 0 ? ["climate"] : [],
    frequency: i % 5 === 0 ? "daily" : "weekly",
    status: i % 50 === 0 ? "unsubscribed" : "active",
  }));
  const seeded = (performance.now() - seeding) / 1000;

  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const exporting = performance.now();
  const link = await exportLink();
  const exported = (performance.now() - exporting) / 1000;
  clearInterval(sampler);

  const file = await download(link.url);
  expect(file.status).toBe(200);
  expect(link.rows).toBe(SUBSCRIBERS);
  expect(file.text).toBe(await csvNow());
  const rows = parse(file.text, { columns: true }) as Array<Record<string, string>>;
  expect(new Set(rows.map((row) => row.email)).size).toBe(SUBSCRIBERS);
  const formulas = rows.filter((row) => row.name?.includes("cmd|"));
  expect(formulas.length).toBe(Math.floor((SUBSCRIBERS - 8) / 1000) + 1);
  expect(formulas.every((row) => row.name!.startsWith("'="))).toBe(true);

  const mb = (bytes: number, digits = 0) => (bytes / MB).toFixed(digits);
  console.info(
    `export at scale: ${SUBSCRIBERS} subscribers seeded in ${seeded.toFixed(1)} s, exported (${mb(file.text.length, 1)} MB ` +
      `of CSV to the bucket) in ${exported.toFixed(1)} s; worker RSS ${mb(before)} MB before, peak ${mb(peak)} MB ` +
      `while exporting, ${mb(process.resourceUsage().maxRSS * 1024)} MB at most over the whole test`,
  );
  // The file is never held whole: a few 5 MB parts at a time, whatever its size.
  expect(peak - before).toBeLessThan(byRun(100, 200) * MB);
}, byRun(120_000, 1_800_000));
