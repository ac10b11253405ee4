/**
 * The transactional worker as deployed: bundled the way `sst deploy` bundles it (scripts/bundle.ts, through SST's
 * own plugin bridge), its handler imported from the bundle and given an SQS event. Its emails render from the
 * templates' and the catalogues' chunks, loaded on first use, in the reader's language.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { build, functionEntries, OUT } from "../../scripts/bundle";
import { saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";

useLocalStack();

let handler: (event: SQSEvent) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  const outdir = join(OUT, "bundled-worker-test");
  rmSync(outdir, { recursive: true, force: true });
  const bundle = await build("transactional-worker", functionEntries()["transactional-worker"]!, outdir);
  handler = (await import(pathToFileURL(bundle.entry.file).href)).handler;
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
});
