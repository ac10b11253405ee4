/**
 * Demo data for `npm start`: the topics readers follow and a few subscribers in different states, so every page
 * has something to show. Idempotent: what exists already is left alone.
 */
import * as Db from "../core/db";
import * as Subscribers from "../core/subscribers";
import type { Subscriber } from "../core/subscribers";
import type { Topic } from "../core/topics/types";

const topics: Array<Pick<Topic, "id" | "title" | "description" | "status">> = [
  { id: "climate", title: "Climate", description: "The warming world and what is done about it", status: "open" },
  { id: "housing", title: "Housing", description: "Rents, building and who gets to live where", status: "open" },
  { id: "city-hall", title: "City hall", description: "Local politics, budgets and decisions", status: "open" },
  { id: "culture", title: "Culture", description: "Books, music, theatre and the people behind them", status: "closed" },
];

const subscribers: Array<Pick<Subscriber, "email" | "name" | "status" | "topics" | "frequency">> = [
  { email: "ada@example.com", name: "Ada", status: "active", topics: ["climate", "housing"], frequency: "weekly" },
  { email: "bo@example.com", name: "Bo", status: "active", topics: [], frequency: "daily" },
  { email: "cy@example.com", status: "unsubscribed", topics: ["city-hall"], frequency: "weekly" },
];

/** Seeds the table; returns lines worth printing (links to try). */
export async function seed(now = new Date()): Promise<string[]> {
  const at = now.toISOString();
  for (const topic of topics) await Db.Topics.put({ ...topic, articleIds: [], createdAt: at, updatedAt: at });

  const lines: string[] = [];
  for (const [index, demo] of subscribers.entries()) {
    const existing = await Db.Subscribers.getByEmail(demo.email);
    const id = existing?.id ?? `sub_demo${String(index).padStart(22, "0")}`;
    if (!existing) {
      await Db.Subscribers.save({
        ...demo,
        id,
        createdAt: at,
        updatedAt: at,
        confirmedAt: demo.status === "active" ? at : undefined,
        consent: { requestedAt: at, confirmedAt: at, source: "seed", textVersion: "seed" },
        confirmationsSentAt: [],
        version: 1,
      });
    }
    if (demo.status === "active") lines.push(`Preferences of ${demo.email}: ${Subscribers.manageUrl(id)}`);
  }
  lines.push(`Unsubscribe page of ada@example.com: ${Subscribers.unsubscribeUrl(`sub_demo${"0".repeat(22)}`)}`);
  return lines;
}
