/**
 * Sending a digest through the real local stack (DynamoDB Local, fauxqs, the SES emulator): each eligible
 * subscriber gets exactly one email with exactly their articles; everyone else has a record saying why.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import type { Subscriber } from "../../core/subscribers";
import { drain } from "../../scripts/local-worker";
import { editor, publish } from "../helpers/editor";
import { createDigest, saveSubscribers } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo } from "../helpers/mail";

useLocalStack();

const TOPICS = { climate: "Climate", housing: "Housing", culture: "Culture", sport: "Sport" };
const ARTICLES = [
  { id: "a-climate", title: "Climate story", topics: ["climate"] },
  { id: "a-housing", title: "Housing story", topics: ["housing"] },
  { id: "a-both", title: "Climate and housing story", topics: ["housing", "climate"] },
  { id: "a-culture", title: "Culture story", topics: ["culture"] },
];

const expectedArticles = (subscriber: Subscriber) =>
  ARTICLES.filter((a) => subscriber.topics.length === 0 || a.topics.some((t) => subscriber.topics.includes(t))).map((a) => a.id);

beforeAll(async () => {
  await publish(TOPICS, ARTICLES);
});

describe("sending a digest", () => {
  it("sends each eligible subscriber one email with their articles, and records why the others got none", async () => {
    const topicChoices = [[], ["climate"], ["housing"], ["culture", "climate"], ["sport"]];
    const subscribers = await saveSubscribers(
      Array.from({ length: 60 }, (_, i) => ({
        topics: topicChoices[i % topicChoices.length]!,
        frequency: i % 7 === 0 ? ("daily" as const) : ("weekly" as const),
        status: i % 11 === 0 ? ("unsubscribed" as const) : ("active" as const),
        pausedUntil: i % 13 === 5 ? "2999-01-01" : undefined,
      })),
    );
    const { id: digestId } = await createDigest({ period: "2030-W30" });

    const started = await editor("POST", `/api/digests/${digestId}/send`);
    expect(started.status).toBe(202);
    expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
    await drain({ workers: 2, bucket: new Delivery.TokenBucket(1000) });

    const planned = subscribers.filter((s) => s.status === "active" && s.frequency === "weekly");
    for (const subscriber of subscribers) {
      const mail = await mailTo(subscriber.email);
      const delivery = await Db.Deliveries.get(digestId, subscriber.id);
      if (!planned.includes(subscriber)) {
        expect(delivery, subscriber.id).toBeUndefined();
        expect(mail).toHaveLength(0);
        continue;
      }
      const articles = expectedArticles(subscriber);
      if (subscriber.pausedUntil) {
        expect(delivery).toMatchObject({ status: "skipped", reason: "paused" });
        expect(mail).toHaveLength(0);
      } else if (articles.length === 0) {
        expect(delivery).toMatchObject({ status: "skipped", reason: "nothing_to_read" });
        expect(mail).toHaveLength(0);
      } else {
        expect(delivery).toMatchObject({ status: "sent", messageId: expect.any(String) });
        expect(mail).toHaveLength(1);
        for (const article of ARTICLES) {
          const shown = mail[0]!.body.text!.includes(`https://news.example.org/${article.id}`);
          expect(shown, `${subscriber.id} ${article.id}`).toBe(articles.includes(article.id));
        }
      }
    }

    const { digest } = (await (await editor("GET", `/api/digests/${digestId}`)).json()) as {
      digest: { status: string; counts: Record<string, number> };
    };
    expect(digest.status).toBe("sent");
    const { recipients, ...byStatus } = digest.counts;
    expect(recipients).toBe(planned.length);
    expect(Object.values(byStatus).reduce((a, b) => a + b, 0)).toBe(recipients);
    expect(digest.counts.sent).toBe(planned.filter((s) => !s.pausedUntil && expectedArticles(s).length > 0).length);

    // Sending again after it is sent changes nothing.
    expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
    await drain({ workers: 1, bucket: new Delivery.TokenBucket(1000) });
    for (const subscriber of planned) expect((await mailTo(subscriber.email)).length).toBeLessThanOrEqual(1);
  });

  it("lists deliveries by status and refuses to resend a cancelled digest", async () => {
    await saveSubscribers(Array.from({ length: 5 }, () => ({ topics: [] })));
    const { id: digestId } = await createDigest({ period: "2030-W31" });
    await editor("POST", `/api/digests/${digestId}/send`);
    expect((await editor("POST", `/api/digests/${digestId}/cancel`)).status).toBe(200);
    await drain({ workers: 1, bucket: new Delivery.TokenBucket(1000) });
    const { digest } = (await (await editor("GET", `/api/digests/${digestId}`)).json()) as {
      digest: { status: string; counts: Record<string, number> };
    };
    expect(digest.status).toBe("cancelled");
    expect(digest.counts.sent).toBe(0);
    expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(409);
    const listed = (await (await editor("GET", `/api/digests/${digestId}/deliveries?status=sent`)).json()) as {
      deliveries: unknown[];
    };
    expect(listed.deliveries).toHaveLength(0);
    expect(Delivery.LEASE_MS).toBeGreaterThan(0);
  });
});
