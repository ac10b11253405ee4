/**
 * Data for the send benchmark: topics and this week's articles (through core, as an editor would publish them),
 * and many subscribers written fast: the same items `Db.Subscribers.save` writes (profile, email, follows), 25
 * to a BatchWriteItem, several batches at a time. BatchWrite is for seeding only: it skips save's conditions,
 * which an import of fresh ids does not need.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import * as Articles from "../../core/articles";
import * as Db from "../../core/db";
import * as keys from "../../core/db/keys";
import type { Subscriber } from "../../core/subscribers";
import * as Topics from "../../core/topics";

export const TOPICS = { climate: "Climate", housing: "Housing", culture: "Culture", economy: "Economy", sport: "Sport" };
const ARTICLES = [
  { id: "heatwave-record", title: "Heatwave breaks the record", topics: ["climate"] },
  { id: "rent-cap-vote", title: "The rent cap vote", topics: ["housing"] },
  { id: "flood-zoning", title: "Building on flood plains", topics: ["housing", "climate"] },
  { id: "film-festival", title: "The film festival opens", topics: ["culture"] },
  { id: "port-jobs", title: "Jobs at the port", topics: ["economy"] },
  { id: "museum-budget", title: "The museum's budget", topics: ["economy", "culture"] },
];
// Sport has no article this week: its followers are planned and skipped (nothing to read).
const TOPIC_CHOICES = [[], ["climate"], ["housing"], ["culture", "climate"], ["economy"], ["housing", "economy"], ["climate"], ["sport"]];

export async function publish(now = new Date()): Promise<void> {
  for (const [id, title] of Object.entries(TOPICS)) await Topics.upsert(id, { title });
  for (const [i, article] of ARTICLES.entries()) {
    await Articles.upsert(article.id, {
      ...article,
      url: `https://news.example.org/${article.id}`,
      summary: `What happened, and why it matters: ${article.title.toLowerCase()}.`,
      author: "The newsroom",
      publishedAt: new Date(now.getTime() - (i + 1) * 3_600_000).toISOString(),
    });
  }
}

/** Subscriber `i`: active weekly readers with a mix of topics (one in eight follows only sport: skipped). */
export function benchSubscriber(i: number, at: string): Subscriber {
  const id = `sub_bench${String(i).padStart(7, "0")}`;
  return {
    id,
    email: `reader${i}@bench.example.com`,
    ...(i % 5 === 2 && { name: `Reader ${i}` }),
    status: "active",
    topics: TOPIC_CHOICES[i % TOPIC_CHOICES.length]!,
    frequency: "weekly",
    createdAt: at,
    updatedAt: at,
    confirmedAt: at,
    consent: { requestedAt: at, confirmedAt: at, source: "import", textVersion: "bench" },
    confirmationsSentAt: [],
    version: 1,
  };
}

/** Whether subscriber `i` has something to read this week (else they are planned and skipped). */
export const expectsEmail = (i: number) => TOPIC_CHOICES[i % TOPIC_CHOICES.length]![0] !== "sport";

function itemsOf(subscriber: Subscriber): Record<string, unknown>[] {
  return [
    {
      ...keys.subscriber.key(subscriber.id),
      ...keys.subscriber.byStatus(subscriber.status, subscriber.frequency, subscriber.id),
      entity: "subscriber",
      ...subscriber,
    },
    { ...keys.email.key(subscriber.email), entity: "email", subscriberId: subscriber.id },
    ...subscriber.topics.map((topic) => ({
      ...keys.follow.key(subscriber.id, topic),
      ...keys.follow.byTopic(topic, subscriber.status, subscriber.id),
      entity: "follow",
      subscriberId: subscriber.id,
      topic,
      status: subscriber.status,
    })),
  ];
}

/**
 * Writes subscribers `from` … `from + count - 1`, each made by `make` (the send benchmark's active weekly readers
 * unless told otherwise); answers how many items were written.
 */
export async function seedSubscribers(
  count: number,
  from = 0,
  parallel = 8,
  make: (i: number, at: string) => Subscriber = benchSubscriber,
): Promise<number> {
  const at = new Date().toISOString();
  const items: Record<string, unknown>[] = [];
  for (let i = from; i < from + count; i++) items.push(...itemsOf(make(i, at)));
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      let batch = items.slice(next, (next += 25)).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; batch.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 2000)));
        try {
          const { UnprocessedItems } = await Db.db().send(new BatchWriteCommand({ RequestItems: { [Db.tableName()]: batch } }));
          batch = (UnprocessedItems?.[Db.tableName()] ?? []) as typeof batch;
        } catch (error) {
          // DynamoDB Local pausing to collect garbage under a long seed: the same puts again are harmless.
          if ((error as Error).name !== "TimeoutError" || attempt >= 5) throw error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return items.length;
}
