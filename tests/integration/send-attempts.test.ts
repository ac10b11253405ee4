/**
 * A recipient that always fails: its render throws, or SES answers it with an error of no known kind. Each attempt
 * is recorded and the rest of its send message goes on; the recovery sweep tries it again once its claim's lease
 * has run out, up to `MAX_ATTEMPTS` (a worker that died mid-attempt counts one too); then it is `failed` with the
 * error, the digest is `sent`, and nothing tries it again.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import { MAX_ATTEMPTS, type Step } from "../../core/delivery/send";
import { drain, pending } from "../../scripts/local-worker";
import { workSendQueue } from "../helpers/deliveries";
import { editor, publish } from "../helpers/editor";
import { createDigest, saveSubscriber, saveSubscribers } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo } from "../helpers/mail";
import { startSesProxy, UNKNOWN_ERROR_CODE } from "../helpers/ses-proxy";

useLocalStack();

class DiedError extends Error {}

const bucket = new Delivery.TokenBucket(1000);
/** Past a claim's lease and the sweep's interval: when the sweep finds the last attempt's claim expired. */
const SWEEP_STEP_MS = Delivery.LEASE_MS + 5 * 60_000;

/**
 * Works the send queue by hand until it is empty, each message alone, checking that no message is handed back for
 * a retry (one recipient's failure must not hold the others of its message).
 */
async function workQueue(options: { now: () => Date; after?: (step: Step, subscriberId: string) => void }) {
  await workSendQueue(
    async (message) => {
      let died = false;
      const retry = await Delivery.handleRecords([message], {
        bucket,
        now: options.now,
        after: (step, subscriberId) => {
          try {
            options.after?.(step, subscriberId);
          } catch (error) {
            died = true;
            throw error;
          }
        },
      });
      // A message is retried only when its worker died; the dead worker's message reappears (1 s visibility).
      expect(retry, message.body).toHaveLength(died ? 1 : 0);
      return died ? "keep" : undefined;
    },
    { visibilitySeconds: 1 },
  );
}

describe("a recipient whose every attempt fails", () => {
  it("stops at the cap when the render throws, counting a worker that died mid-attempt, and the digest is sent", async () => {
    await publish({ housing: "Housing" }, [{ id: "always-fails-story", title: "A story", topics: ["housing"] }]);
    const others = await saveSubscribers(Array.from({ length: 24 }, () => ({})));
    // An id the renderer refuses to sign links for (a space in it): every render of this reader throws.
    const broken = await saveSubscriber({ id: "sub_t broken render", email: "broken.render@example.com" });
    const { id: digestId } = await createDigest({ period: "2033-W01" });
    expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);

    // Attempts 2 and 5 die after claiming (before rendering): the claims count, the next claim takes over later.
    let skew = 0;
    let claims = 0;
    const now = () => new Date(Date.now() + skew);
    const after = (step: Step, subscriberId: string) => {
      if (step !== "claim" || subscriberId !== broken.id) return;
      claims++;
      if (claims === 2 || claims === 5) throw new DiedError(`died at attempt ${claims}`);
    };
    await workQueue({ now, after });
    for (const subscriber of others) expect(await mailTo(subscriber.email), subscriber.id).toHaveLength(1);
    expect(await Db.Deliveries.get(digestId, broken.id)).toMatchObject({
      status: "sending",
      attempts: 1,
      error: expect.stringContaining("invalid token subject"),
    });
    expect((await Db.Digests.get(digestId))?.status).toBe("sending");

    // The sweeps, each once the last claim's lease has run out.
    for (let sweep = 0; sweep < MAX_ATTEMPTS + 3; sweep++) {
      skew += SWEEP_STEP_MS;
      await Delivery.recoverAll(now());
      await workQueue({ now, after });
    }
    expect(claims).toBe(MAX_ATTEMPTS);
    const failed = await Db.Deliveries.get(digestId, broken.id);
    expect(failed).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, error: expect.stringContaining("gave up after") });
    expect(failed?.error).not.toContain(broken.email);
    expect(failed?.claimId).toBeUndefined();
    expect(await mailTo(broken.email)).toHaveLength(0);
    for (const subscriber of others) expect(await mailTo(subscriber.email), subscriber.id).toHaveLength(1);
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ sent: others.length, failed: 1, queued: 0, sending: 0 });
    expect((await Db.Digests.get(digestId))?.status).toBe("sent");

    // Recovery has nothing more to do for it.
    skew += SWEEP_STEP_MS;
    await Delivery.recoverAll(now());
    expect(await pending()).toBe(0);
    // Not planned again by later digests of this file.
    await Db.Subscribers.save({ ...broken, status: "unsubscribed", version: broken.version + 1 }, broken);
  });

  it("stops at the cap when SES answers an error of no known kind, and keeps the address out of the error", async () => {
    const others = await saveSubscribers(Array.from({ length: 9 }, () => ({ frequency: "daily" as const })));
    const [refused] = await saveSubscribers([{ frequency: "daily" as const, email: "refused.by.ses@example.com" }]);
    await publish({ housing: "Housing" }, [{ id: "unknown-error-story", title: "Another story", topics: ["housing"] }]);
    const { id: digestId } = await createDigest({ frequency: "daily", period: "2033-01-05" });
    const proxy = await startSesProxy({ unknownErrorFor: [refused!.email] });
    try {
      expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
      let skew = 0;
      const now = () => new Date(Date.now() + skew);
      await workQueue({ now });
      for (let sweep = 0; sweep < MAX_ATTEMPTS + 2; sweep++) {
        skew += SWEEP_STEP_MS;
        await Delivery.recoverAll(now());
        await drain({ workers: 1, bucket, now });
      }
      const calls = proxy.calls.filter((call) => call.to === refused!.email);
      expect(calls.map((call) => call.outcome)).toEqual(Array(MAX_ATTEMPTS).fill("unknown"));
      const failed = await Db.Deliveries.get(digestId, refused!.id);
      expect(failed).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, error: expect.stringContaining(UNKNOWN_ERROR_CODE) });
      expect(failed?.error).not.toContain(refused!.email);
      for (const subscriber of others) expect(await mailTo(subscriber.email), subscriber.id).toHaveLength(1);
      expect((await Db.Digests.get(digestId))?.status).toBe("sent");
    } finally {
      await proxy.stop();
    }
  });
});
