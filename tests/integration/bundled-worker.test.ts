/**
 * The transactional worker as deployed: bundled the way `sst deploy` bundles it (scripts/bundle.ts, through SST's
 * own plugin bridge), its handler imported from the bundle and given an SQS event. Its emails render from the
 * templates' and the catalogues' chunks, loaded on first use, in the reader's language. And the lifecycle
 * schedule's function, bundled the same way, given CronV2's input.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import * as SeriesLedger from "../../core/db/series";
import { seriesOf } from "../../core/series/start";
import { stepMessageId } from "../../core/series/send";
import { build, functionEntries, OUT } from "../../scripts/bundle";
import { saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";

useLocalStack();

let handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
/** The lifecycle schedule's function, as EventBridge Scheduler calls it (CronV2's input, `{}`). */
let lifecycle: (event: Record<string, unknown>) => Promise<{ series: { queued: number } }>;

/** A function bundled as deployed, its handler imported from the bundle. */
async function bundled(name: string) {
  const outdir = join(OUT, "bundled-worker-test", name);
  rmSync(outdir, { recursive: true, force: true });
  const bundle = await build(name, functionEntries()[name]!, outdir);
  return (await import(pathToFileURL(bundle.entry.file).href)).handler;
}

beforeAll(async () => {
  [handler, lifecycle] = await Promise.all([bundled("transactional-worker"), bundled("cron/lifecycle")]);
}, 180_000);

const sqsEvent = (body: unknown): SQSEvent =>
  ({ Records: [{ messageId: `m-${Math.random().toString(36).slice(2)}`, body: JSON.stringify(body) }] }) as unknown as SQSEvent;

describe("the bundled transactional worker", () => {
  it("sends a sign-in link in the reader's language: Ukrainian to a Ukrainian reader, English to an English one", async () => {
    const [uk, en] = await Promise.all([
      saveSubscriber({ email: uniqueEmail("bundled-uk"), language: "uk" }),
      saveSubscriber({ email: uniqueEmail("bundled-en"), language: "en" }),
    ]);
    for (const subscriber of [uk, en]) {
      const result = await handler(sqsEvent({ kind: "signin", id: `signin-${subscriber.id}`, email: subscriber.email }));
      expect(result.batchItemFailures).toEqual([]);
    }
    const [ukMail] = await mailTo(uk.email);
    const [enMail] = await mailTo(en.email);
    expect(ukMail?.subject).toMatch(/^Посилання для входу в /);
    expect(ukMail?.body.html).toMatch(/<html lang="uk"/);
    expect(enMail?.subject).toMatch(/^Sign in to /);
    expect(enMail?.body.html).toMatch(/<html lang="en"/);
  });

  it("sends a welcome series' due step from its own on-demand chunk, once, and settles it in the ledger", async () => {
    const reader = await saveSubscriber({ email: uniqueEmail("bundled-series"), language: "uk" });
    const confirmedAt = new Date(Date.now() - 11 * 86_400_000);
    await SeriesLedger.begin(seriesOf(reader.id, confirmedAt, confirmedAt));
    const message = { kind: "series-step", id: stepMessageId(reader.id, "patron-invitation"), subscriberId: reader.id, step: "patron-invitation" };
    for (let delivery = 0; delivery < 2; delivery++) expect((await handler(sqsEvent(message))).batchItemFailures).toEqual([]);

    const mail = await mailTo(reader.email);
    expect(mail.map((m) => m.subject)).toEqual([expect.stringMatching(/існує завдяки читачам/)]);
    expect(await SeriesLedger.get(reader.id, "patron-invitation")).toMatchObject({ status: "sent" });
  });

  it("the bundled lifecycle schedule puts a due welcome series step on the transactional queue, marked so no run puts it twice", async () => {
    const reader = await saveSubscriber({ email: uniqueEmail("bundled-lifecycle") });
    const confirmedAt = new Date(Date.now() - 4 * 86_400_000);
    await SeriesLedger.begin(seriesOf(reader.id, confirmedAt, confirmedAt));

    const report = await lifecycle({});
    expect(report.series.queued).toBeGreaterThanOrEqual(2); // at least this reader's welcome and best-of
    expect(await SeriesLedger.get(reader.id, "best-of")).toMatchObject({ status: "queued", enqueuedAt: expect.any(String) });
    expect((await SeriesLedger.get(reader.id, "patron-invitation"))?.enqueuedAt).toBeUndefined(); // not due before day 10
    expect((await lifecycle({})).series.queued).toBe(0);
  });
});
