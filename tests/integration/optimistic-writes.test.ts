/**
 * Optimistic writes against DynamoDB Local: many writers of one item at once all land, none overwriting another,
 * because each lost race reads again and re-applies its change (`retryWrite`); what never lands fails at once.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { mutate } from "../../core/subscribers/mutate";
import { saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";

useLocalStack();

const WRITERS = 12;

describe("concurrent optimistic writes", () => {
  it(`${WRITERS} changes of one subscriber at once all land, each exactly once`, async () => {
    const subscriber = await saveSubscriber({ status: "active", topics: [] });
    const topics = Array.from({ length: WRITERS }, (_, i) => `topic-${i}`);

    const results = await Promise.all(
      topics.map((topic) => mutate(subscriber.id, (current) => current && { ...current, topics: [...current.topics, topic] })),
    );

    expect(results.every((result) => result.written)).toBe(true);
    const stored = await Db.Subscribers.get(subscriber.id);
    expect([...stored!.topics].sort()).toEqual([...topics].sort());
    expect(stored!.version).toBe(subscriber.version + WRITERS);
    // The follow items (written in the same transactions) agree with the profile.
    for (const topic of topics) {
      expect((await Db.Subscribers.followers(topic, "active")).subscriberIds).toEqual([subscriber.id]);
    }
  });

  it("a change that throws is not retried", async () => {
    const subscriber = await saveSubscriber();
    let calls = 0;
    const refusal = new Error("not allowed");
    await expect(
      mutate(subscriber.id, () => {
        calls++;
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(calls).toBe(1);
  });
});
