/**
 * Mail that can't wait (core/transactional): confirmations and sign-in links go through a queue and a worker of
 * their own, paced from the share of the SES rate that digests leave free, retried while SES throttles, and sent
 * once however often SQS delivers them. Against the real local stack and the SES emulator (through the throttling
 * proxy where SES must refuse).
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import * as Email from "../../core/email";
import * as Queue from "../../core/queue";
import * as Transactional from "../../core/transactional";
import { drainTransactional, pollTransactionalOnce, startLocalWorker } from "../../scripts/local-worker";
import { editor, publish } from "../helpers/editor";
import { createDigest, saveSubscriber, saveSubscribers } from "../helpers/factories";
import { postForm, postJson, randomIp } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";
import { startSesProxy, type SesProxy } from "../helpers/ses-proxy";

useLocalStack();

let proxy: SesProxy | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

const waitFor = async (condition: () => boolean | Promise<boolean>) => {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
};

/** Every message on the file's transactional queue, or on its dead-letter queue (`-dlq`). */
async function queued(deadLetters = false): Promise<number> {
  const url = `${Queue.transactionalQueueUrl()}${deadLetters ? "-dlq" : ""}`;
  const { Attributes = {} } = await Queue.sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }),
  );
  return Object.values(Attributes).reduce((sum, count) => sum + Number(count), 0);
}

describe("a sign-up while SES throttles", () => {
  it("answers 202, and its confirmation arrives once SES accepts again, exactly once", async () => {
    const email = uniqueEmail("throttled-signup");
    proxy = await startSesProxy({ throttle: 1 });

    const response = await postJson("/api/subscribe", { email }, randomIp());

    expect(response.status).toBe(202);
    expect(proxy.counts.calls).toBe(0); // nothing was sent on the request path
    // The worker meets the throttling: the confirmation waits on the queue, handed back, not failed.
    await drainTransactional({ visibleOnly: true, throttleBudgetMs: 0 });
    expect(proxy.counts.throttled).toBeGreaterThan(0);
    expect(await mailTo(email)).toHaveLength(0);
    expect(await queued()).toBe(1);
    const subscriber = await Db.Subscribers.getByEmail(email);
    expect(subscriber?.confirmationsSentAt).toHaveLength(1); // the slot stays taken: the email is on its way

    await proxy.stop();
    proxy = undefined;
    await drainTransactional();

    const mail = await mailTo(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toMatch(/confirm/i);
    const confirmed = await postForm("/confirm", { token: tokenFrom(mail[0]!, "/confirm") });
    expect(confirmed.status).toBe(200);
    await drainTransactional();
    expect((await mailTo(email)).filter((m) => /confirm/i.test(m.subject))).toHaveLength(1);
    expect(await queued(true)).toBe(0);
  });
});

describe("a sign-in link during a long send", () => {
  it("arrives before the digest finishes: within the first few of the emails still to send when it was asked for", async () => {
    // A low rate: the digest takes a while, and its messages fill the send queue long before they are sent.
    Object.assign(process.env, { SES_MAX_SEND_RATE: "25", TRANSACTIONAL_SEND_RATE: "5" });
    Config.reset();
    try {
      await publish({ lsd: "Long send" }, [{ id: "lsd-story", title: "Long send story", topics: ["lsd"] }]);
      const readers = await saveSubscribers(Array.from({ length: 160 }, () => ({ topics: ["lsd"], frequency: "weekly" as const })));
      const member = await saveSubscriber({ email: uniqueEmail("waiting-member"), frequency: "daily" });
      proxy = await startSesProxy({ keepRaw: true });
      const { id: digestId } = await createDigest({ period: "2031-W07" });
      const worker = startLocalWorker({ recoverEveryMs: 600_000 });
      try {
        expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
        const digestCalls = () => proxy!.calls.filter((call) => call.digestId === digestId);
        // Under way: every recipient planned onto the send queue, and the first emails out.
        await waitFor(() => digestCalls().length >= 10);

        expect((await postJson("/api/login", { email: member.email }, randomIp())).status).toBe(202);
        const askedAt = digestCalls().length;
        await waitFor(async () => (await Db.Digests.get(digestId))?.status === "sent");

        const link = proxy.calls.findIndex((call) => call.raw.toString("latin1").includes(member.email));
        expect(link, "the sign-in link was sent").toBeGreaterThanOrEqual(0);
        const digestBeforeLink = proxy.calls.slice(0, link).filter((call) => call.digestId === digestId).length;
        const remaining = readers.length - askedAt;
        // Old behaviour: behind every send message already queued, i.e. after nearly the whole rest of the digest.
        expect(digestBeforeLink - askedAt).toBeLessThan(remaining / 4);
        // Every reader got the digest, and nobody twice (the file's other active subscribers get it too).
        const sentTo = new Set(digestCalls().map((call) => call.subscriberId));
        expect(readers.filter((reader) => !sentTo.has(reader.id))).toEqual([]);
        expect(digestCalls().length).toBe(sentTo.size);
      } finally {
        await worker.stop();
      }
      expect((await mailTo(member.email)).map((m) => m.subject)).toEqual([expect.stringMatching(/sign in/i)]);
    } finally {
      delete process.env.SES_MAX_SEND_RATE;
      delete process.env.TRANSACTIONAL_SEND_RATE;
      Config.reset();
    }
  });
});

describe("sent once", () => {
  it("sends one email for a duplicated message, however late the duplicate comes", async () => {
    const pending = await saveSubscriber({ email: uniqueEmail("duplicated"), status: "pending" });
    const member = await saveSubscriber({ email: uniqueEmail("duplicated-signin") });
    const messages = [
      { id: "txm_duplicated-signup-0001", kind: "signup", subscriberId: pending.id, email: "confirmation" },
      { id: "txm_duplicated-signin-0001", kind: "signin", email: member.email },
    ];
    // SQS delivers a message twice: two copies of each on the queue.
    for (const message of [...messages, ...messages]) {
      await Queue.sqs().send(new SendMessageCommand({ QueueUrl: Queue.transactionalQueueUrl(), MessageBody: JSON.stringify(message) }));
    }
    await drainTransactional();
    // A redelivery an hour later (past the sign-in link's per-address limit of one a minute).
    const later = new Date(Date.now() + 61 * 60_000);
    const retry = await Transactional.handleRecords(
      messages.map((message, i) => ({ id: `late-${i}`, body: JSON.stringify(message) })),
      { now: () => later },
    );

    expect(retry).toEqual([]);
    expect(await mailTo(pending.email)).toHaveLength(1);
    expect(await mailTo(member.email)).toHaveLength(1);
  });

  it("keeps a message that keeps failing in the transactional dead-letter queue; redriven, it is sent once", async () => {
    const member = await saveSubscriber({ email: uniqueEmail("dead-letter") });
    const sesEndpoint = process.env.SES_ENDPOINT;
    // SES out of reach (connection refused): SES may or may not have sent it, so it is retried, never dropped.
    process.env.SES_ENDPOINT = "http://127.0.0.1:9";
    Config.reset();
    Email.resetClient();
    try {
      await Transactional.enqueue({ kind: "signin", email: member.email });
      // Each receive counts; after ten the queue's redrive policy moves the message to its dead-letter queue.
      for (let i = 0; i < 12 && (await queued()) > 0; i++) {
        await pollTransactionalOnce({ visibilitySeconds: 0, bucket: new Delivery.TokenBucket(1000) });
      }
    } finally {
      process.env.SES_ENDPOINT = sesEndpoint;
      Config.reset();
      Email.resetClient();
    }
    expect(await queued()).toBe(0);
    expect(await queued(true)).toBe(1);
    expect(await mailTo(member.email)).toHaveLength(0);

    // Kept, and visible: an operator redrives it once SES is back.
    const { Messages = [] } = await Queue.sqs().send(
      new ReceiveMessageCommand({ QueueUrl: `${Queue.transactionalQueueUrl()}-dlq`, MaxNumberOfMessages: 1 }),
    );
    expect(JSON.parse(Messages[0]!.Body!)).toMatchObject({ kind: "signin", email: member.email });
    await Queue.sqs().send(new SendMessageCommand({ QueueUrl: Queue.transactionalQueueUrl(), MessageBody: Messages[0]!.Body! }));
    // The claim of the failed attempts was only leased: past it, the redriven message is sent.
    await Transactional.handleRecords([{ id: "redriven", body: Messages[0]!.Body! }], { now: () => new Date(Date.now() + 5 * 60_000) });
    expect(await mailTo(member.email)).toHaveLength(1);
  });
});
