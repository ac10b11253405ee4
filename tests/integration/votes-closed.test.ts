/**
 * Votes and topics that close, reopen or are covered (`product.md` → Topic votes; `core/votes/places.ts`): a closed
 * or covered topic's score is final (withdrawing from it is 409 `topic_not_open`, a lapse leaves it alone); a vote
 * for a closed topic takes no place on the ballot, and when the topic reopens a patron who has voted since keeps the
 * newer votes counting while the reopened one waits, until they withdraw another — re-counts included. Under
 * reopening and closing racing votes and withdrawals, every score stays the sum of its counted votes.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Topics from "../../core/topics";
import * as Votes from "../../core/votes";
import { createTopics, savePatron, signedIn } from "../helpers/factories";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { random } from "../helpers/random";
import { changeMembership, expectExactTallies, expectPlacesHeld, refusal } from "../helpers/votes";

useLocalStack();

const setStatus = (topicId: string, status: Topics.TopicStatus) => Topics.upsert(topicId, { title: `Topic ${topicId}`, status });
const TOPIC_NOT_OPEN = { status: 409, code: "topic_not_open" };

describe("reopening a topic", () => {
  it("leaves the reopened vote waiting when the patron has voted since; re-counts keep it waiting; withdrawing another counts it", async () => {
    const [a, b, c, d] = await createTopics(4);
    const patron = await savePatron({ tierId: "co-creator" });
    const id = patron.subscriberId;
    for (const topic of [a!, b!, c!]) await Votes.vote(id, topic);
    await setStatus(a!, "closed");
    expect(await Votes.vote(id, d!)).toMatchObject({ score: 3, voters: 1 }); // a closed topic takes no place

    await setStatus(a!, "open");
    expect(await Db.Votes.get(a!, id)).toMatchObject({ counted: false, weight: 3 });
    expect(await Db.Topics.tally(a!)).toEqual({ score: 0, voters: 0 });
    for (const topic of [b!, c!, d!]) expect(await Db.Topics.tally(topic)).toEqual({ score: 3, voters: 1 });
    expect((await Votes.votesOf(id)).find((v) => v.id === a)).toMatchObject({ counted: false, waiting: true });
    const [e] = await createTopics(1);
    expect(await refusal(Votes.vote(id, e!))).toEqual({ status: 409, code: "vote_limit" });

    // Membership changes re-count: the waiting vote is not counted back in, and a rejoin restores the same three.
    await changeMembership(id, { tierId: "coffee" }, 2);
    await changeMembership(id, { status: "lapsed" }, 2);
    await changeMembership(id, { status: "active" }, 2);
    await Votes.recount(id);
    expect((await setStatus(a!, "open")).outcome).toBe("unchanged"); // the editor's request again: re-counts, changes nothing
    expect(await Db.Votes.get(a!, id)).toMatchObject({ counted: false });
    await expectPlacesHeld(id);
    await expectExactTallies([a!, b!, c!, d!]);

    await Votes.unvote(id, b!);
    expect(await Db.Votes.get(a!, id)).toMatchObject({ counted: true, weight: 1 });
    expect(await Db.Topics.tally(a!)).toEqual({ score: 1, voters: 1 });
    expect((await Votes.votesOf(id)).find((v) => v.id === a)).toMatchObject({ counted: true, waiting: false });
  });

  it("counts a waiting vote once another of the patron's topics closes", async () => {
    const [a, b, c, d] = await createTopics(4);
    const { subscriberId: id } = await savePatron();
    for (const topic of [a!, b!, c!]) await Votes.vote(id, topic);
    await setStatus(a!, "closed");
    await Votes.vote(id, d!);
    await setStatus(a!, "open");
    expect(await Db.Votes.get(a!, id)).toMatchObject({ counted: false });
    await setStatus(b!, "closed");
    expect(await Db.Votes.get(a!, id)).toMatchObject({ counted: true });
    expect(await Db.Votes.get(b!, id)).toMatchObject({ counted: true }); // b's score is final, the vote in it
    await expectPlacesHeld(id);
    await expectExactTallies([a!, b!, c!, d!]);
  });

  it("keeps a closed topic's score through a lapse, and re-counts it when the topic reopens", async () => {
    const [topic] = await createTopics(1);
    const { subscriberId: id } = await savePatron({ tierId: "yearly" });
    await Votes.vote(id, topic!);
    await setStatus(topic!, "closed");
    await changeMembership(id, { status: "lapsed" }, 2);
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 3, voters: 1 });
    await setStatus(topic!, "open");
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 0, voters: 0 });
    expect(await Db.Votes.get(topic!, id)).toMatchObject({ counted: false, weight: 3 });
  });
});

describe("withdrawing a vote for a topic that is not open", () => {
  it("refuses it (409 topic_not_open) for closed and covered topics, changing nothing; a vote never cast is still 200", async () => {
    const [closed, covered] = await createTopics(2);
    const { subscriberId: id } = await savePatron({ tierId: "co-creator" });
    const other = await savePatron();
    for (const topic of [closed!, covered!]) await Votes.vote(id, topic);
    await setStatus(closed!, "closed");
    await setStatus(covered!, "covered");
    for (const topic of [closed!, covered!]) {
      expect(await refusal(Votes.unvote(id, topic))).toEqual(TOPIC_NOT_OPEN);
      expect(await Db.Topics.tally(topic)).toEqual({ score: 3, voters: 1 });
      expect(await Db.Votes.get(topic, id)).toMatchObject({ counted: true, weight: 3 });
      expect(await Votes.unvote(other.subscriberId, topic)).toMatchObject({ score: 3, voters: 1 });
    }
    expect((await Db.Votes.ballot(id)).topicIds.sort()).toEqual([closed!, covered!].sort());
  });

  it("answers the refusal over HTTP: 409 topic_not_open as JSON and as a page, and says so in the OpenAPI document", async () => {
    const [topic] = await createTopics(1);
    const { subscriberId: id } = await savePatron();
    const { call } = await signedIn(id);
    expect((await call("POST", `/api/topics/${topic}/vote`)).status).toBe(200);
    await setStatus(topic!, "covered");

    const refused = await call("DELETE", `/api/topics/${topic}/vote`);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "topic_not_open",
      message: expect.stringContaining("closed"),
    });
    const page = await call("POST", `/topics/${topic}/unvote`);
    expect(page.status).toBe(409);
    expect(await page.text()).toContain("Voting on this topic has closed");
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 1, voters: 1 });

    const { paths } = (await (await request("/openapi.json")).json()) as { paths: Record<string, any> };
    expect(paths["/api/topics/{id}/vote"].delete.responses["409"]).toBeDefined();
    expect(paths["/topics/{id}/unvote"].post.responses["409"]).toBeDefined();
  });
});

describe("reopening racing a vote", () => {
  it("makes a vote decided while the topic was still closed read again: it is refused, never a fourth vote counted", async () => {
    const [a, b, c, d] = await createTopics(4);
    const { subscriberId: id, tierId } = await savePatron();
    for (const topic of [a!, b!, c!]) await Votes.vote(id, topic);
    await setStatus(a!, "closed");
    // What `Votes.vote` reads and decides for d: a ballot whose only open topics are b and c, so a place is free ...
    const ballotRead = await Db.Votes.ballot(id);
    const at = new Date().toISOString();
    const record = { subscriberId: id, topicId: d!, tierId, weight: 1, counted: true, createdAt: at, updatedAt: at };
    // ... then the topic reopens before the vote is written.
    await setStatus(a!, "open");
    await expect(Db.Votes.cast(record, ballotRead, Votes.CAN_VOTE)).rejects.toBeInstanceOf(Db.WriteConflictError);
    // Read again, the vote is past the limit.
    expect(await refusal(Votes.vote(id, d!))).toEqual({ status: 409, code: "vote_limit" });
    await expectPlacesHeld(id);
    await expectExactTallies([a!, b!, c!, d!]);
  });
});

describe("reopening and closing racing votes (property)", () => {
  const seeds = process.env.VOTES_SEED ? [Number(process.env.VOTES_SEED)] : [11, 12];

  it.each(seeds)("seed %i: no patron counts past the limit on open topics, and every score is the sum of its counted votes", async (seed) => {
    const rnd = random(seed);
    const topics = await createTopics(5);
    const patrons = await Promise.all(Array.from({ length: 8 }, () => savePatron({ tierId: rnd.pick(["coffee", "co-creator"] as const) })));
    // Everyone starts with a full ballot, so every reopening may put someone past the limit.
    for (const { subscriberId } of patrons) {
      const three = topics.map((topic) => ({ topic, key: rnd.next() })).sort((x, y) => x.key - y.key).slice(0, 3);
      for (const { topic } of three) await Votes.vote(subscriberId, topic);
    }
    for (let round = 0; round < 5; round++) {
      // A topic closes: its voters have a free place, which their votes below race to fill while it reopens.
      const reopened = rnd.pick(topics);
      await setStatus(reopened, "closed");
      const ops = Array.from({ length: 30 }, (_, i) => {
        if (i === 10) return setStatus(reopened, "open");
        const { subscriberId } = rnd.pick(patrons);
        const topicId = rnd.pick(topics);
        const roll = rnd.next();
        if (roll < 0.5) return refusal(Votes.vote(subscriberId, topicId));
        if (roll < 0.65) return refusal(Votes.unvote(subscriberId, topicId));
        if (roll < 0.8) return setStatus(topicId, rnd.pick(["open", "closed", "open"] as const));
        if (roll < 0.9) return changeMembership(subscriberId, { status: rnd.pick(["active", "lapsed", "grace"] as const) }, 2);
        return Votes.recount(subscriberId);
      });
      await Promise.all(ops);
      await expectExactTallies(topics, { seed, round });
      for (const { subscriberId } of patrons) await expectPlacesHeld(subscriberId, { seed, round, subscriberId });
    }
  }, 120_000);
});
