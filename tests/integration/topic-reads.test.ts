/**
 * What reading topics costs, counted at a proxy in front of DynamoDB Local (`helpers/dynamodb-proxy.ts`): one
 * patron's account page, welcome email, export and erasure read only their own topics and proposals, never every
 * topic (however many other patrons propose); the public topics (`GET /api/topics`, `/topics` signed out) are read
 * once per PUBLIC_TOPICS_MAX_AGE seconds in a process, cacheable by browsers and shared caches for the rest of that
 * time, while a signed-in patron's `/topics` is read afresh and kept by nobody.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Privacy from "../../core/privacy";
import * as Subscribers from "../../core/subscribers";
import * as Topics from "../../core/topics";
import * as Votes from "../../core/votes";
import { startDynamoDbProxy } from "../helpers/dynamodb-proxy";
import { createTopic, savePatron, savePatronSubscriber, signedIn } from "../helpers/factories";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";

const { tableName } = useLocalStack();

/** How many items, and requests, DynamoDB served while `act` ran. */
async function reads<T>(act: () => T | Promise<T>): Promise<{ items: number; requests: number; result: T }> {
  const proxy = await startDynamoDbProxy();
  try {
    const result = await act();
    return { items: proxy.counts.itemsRead, requests: proxy.counts.requests, result };
  } finally {
    await proxy.stop();
  }
}

/** `n` other patrons' proposals, each patron proposing up to their limit. */
async function othersPropose(n: number) {
  for (let made = 0; made < n; ) {
    const { subscriberId } = await savePatron();
    for (let i = 0; i < 3 && made < n; i++, made++) await Topics.propose(subscriberId, { title: `Someone else's idea ${made}` });
  }
}

/** A patron who follows a topic, votes for another, proposed one, and is signed in. */
async function patronWithTopics() {
  const followed = await createTopic({ title: "Harbour" });
  const voted = await createTopic({ title: "Rail" });
  const patron = await savePatronSubscriber({}, { topics: [followed.id] });
  await Votes.vote(patron.id, voted.id);
  const proposal = await Topics.propose(patron.id, { title: "My own idea" });
  return { patron, voted, proposal, session: await signedIn(patron.id) };
}

describe("one patron's own pages, emails and data read only their own topics", () => {
  it("account page, welcome email and export read as much with 30 more proposals of others as before", async () => {
    const { patron, voted, proposal, session } = await patronWithTopics();
    const measure = async () => ({
      account: await reads(() => session.call("GET", "/account")),
      welcome: await reads(() => Subscribers.welcomeMessage(patron)),
      export: await reads(() => Privacy.exportData(patron.id)),
    });
    const before = await measure();
    await othersPropose(30);
    const after = await measure();

    for (const part of ["account", "welcome", "export"] as const) {
      expect({ part, items: after[part].items, requests: after[part].requests }).toEqual({
        part,
        items: before[part].items,
        requests: before[part].requests,
      });
    }
    expect(await after.account.result.text()).toContain("Harbour");
    expect(after.welcome.result.text).toContain("Harbour");
    const data = after.export.result;
    expect(data.proposedTopics).toEqual([{ id: proposal.id, title: "My own idea", status: "proposed", createdAt: proposal.createdAt }]);
    expect(data.votes).toEqual([expect.objectContaining({ topicId: voted.id, topicTitle: "Rail" })]);
  });

  it("erasure deletes the patron's own proposal, touches nobody else's, and reads as much with 30 more proposals of others", async () => {
    const first = await patronWithTopics();
    const second = await patronWithTopics();
    const othersWaiting = async () =>
      (await Db.Topics.byStatus(["proposed"])).filter((topic) => topic.proposedBy !== first.patron.id && topic.proposedBy !== second.patron.id);
    const before = (await othersWaiting()).length;

    const erasedFirst = await reads(() => Privacy.erase(first.patron.id));
    await othersPropose(30);
    const erasedSecond = await reads(() => Privacy.erase(second.patron.id));

    expect({ items: erasedSecond.items, requests: erasedSecond.requests }).toEqual({ items: erasedFirst.items, requests: erasedFirst.requests });
    for (const { proposal } of [first, second]) expect(await Db.Topics.get(proposal.id)).toBeUndefined();
    expect((await othersWaiting()).length).toBe(before + 30);
  });
});

describe("the public topics", () => {
  it("are read once for anonymous visitors and cacheable; a signed-in patron's page is read afresh and no-store", async () => {
    const topic = await createTopic({ title: "Ferries" }); // a write here: what this process kept is dropped
    const first = await reads(() => request("/api/topics"));
    expect(first.requests).toBeGreaterThan(0);
    expect(first.result.headers.get("cache-control")).toBe(`public, max-age=${Topics.PUBLIC_TOPICS_MAX_AGE}`);

    const again = await reads(() => request("/api/topics"));
    expect(again.requests).toBe(0);
    expect(again.result.headers.get("cache-control")).toMatch(/^public, max-age=([12]?\d|30)$/);
    expect(((await again.result.json()) as any).topics).toContainEqual(expect.objectContaining({ id: topic.id, score: 0 }));
    const page = await reads(() => request("/topics"));
    expect(page.requests).toBe(0);
    expect(page.result.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    expect(page.result.headers.get("vary")).toMatch(/cookie/i);
    expect(await page.result.text()).toContain("Ferries");

    const patron = await savePatronSubscriber({ tierId: "co-creator" });
    const session = await signedIn(patron.id);
    const personal = await reads(() => session.call("GET", "/topics"));
    expect(personal.requests).toBeGreaterThan(0);
    expect(personal.result.headers.get("cache-control")).toBe("no-store");
    const personalApi = await session.call("GET", "/api/topics");
    expect(personalApi.headers.get("cache-control")).toBe("no-store");

    // A vote in this process shows at once: the vote's write dropped the copy.
    await Votes.vote(patron.id, topic.id);
    const afterVote = await reads(() => request("/api/topics"));
    expect(afterVote.requests).toBeGreaterThan(0);
    expect(((await afterVote.result.json()) as any).topics).toContainEqual(expect.objectContaining({ id: topic.id, score: 3, voters: 1 }));
  });

  it(`show a change made in another process within ${Topics.PUBLIC_TOPICS_MAX_AGE} seconds`, async () => {
    await createTopic({ title: "Bridges" });
    const t0 = Date.now();
    await Topics.listPublicCached(t0);
    // Another process's write (an editor's, on another Lambda): this process does not hear of it.
    const at = new Date(t0).toISOString();
    const elsewhere = { id: `elsewhere-${t0}`, title: "Made elsewhere", status: "open" as const, articleIds: [], createdAt: at, updatedAt: at };
    await Db.db().send(new PutCommand({ TableName: tableName, Item: Db.Topics.item(elsewhere) }));

    const stale = await reads(() => Topics.listPublicCached(t0 + (Topics.PUBLIC_TOPICS_MAX_AGE - 1) * 1000));
    expect(stale.requests).toBe(0);
    expect(stale.result.topics.map((t) => t.id)).not.toContain(elsewhere.id);
    expect(stale.result.maxAge).toBe(1); // and a cache keeps it no longer than the 30 seconds either

    const fresh = await reads(() => Topics.listPublicCached(t0 + Topics.PUBLIC_TOPICS_MAX_AGE * 1000));
    expect(fresh.requests).toBeGreaterThan(0);
    expect(fresh.result.topics.map((t) => t.id)).toContain(elsewhere.id);
    expect(fresh.result.maxAge).toBe(Topics.PUBLIC_TOPICS_MAX_AGE);
  });
});
