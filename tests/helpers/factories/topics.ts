/** Topics: `makeTopic` builds one (pure, for rendering tests); `createTopic` saves one through `Topics.upsert`. */
import * as Topics from "../../../core/topics";
import type { Topic, TopicStatus } from "../../../core/topics";
import { uniqueSlug } from "./ids";

/** An open topic titled after its id (`harbour` → `Harbour`), with fixed dates. */
export function makeTopic(overrides: Partial<Topic> = {}): Topic {
  const id = overrides.id ?? uniqueSlug("topic");
  const title = id.charAt(0).toUpperCase() + id.slice(1);
  return { id, title, status: "open", articleIds: [], createdAt: "2026-11-01T00:00:00.000Z", updatedAt: "2026-11-01T00:00:00.000Z", ...overrides };
}

/** Creates a topic (open unless told, titled `Topic <id>` unless told) as an editor's upsert would; answers it. */
export async function createTopic(
  input: { id?: string; title?: string; status?: TopicStatus; description?: string; fundingGoal?: number } = {},
): Promise<Topic> {
  const { id = uniqueSlug("topic"), title = `Topic ${id}`, ...rest } = input;
  const { topic } = await Topics.upsert(id, { title, ...rest });
  return topic;
}

/** Creates `count` topics at once (as `createTopic`), answering their ids. */
export async function createTopics(count: number, input: { status?: TopicStatus } = {}): Promise<string[]> {
  const topics = await Promise.all(Array.from({ length: count }, () => createTopic(input)));
  return topics.map((topic) => topic.id);
}
