/**
 * Topic votes against DynamoDB Local: the limits (not eligible, over the limit, none new in grace), and a property
 * test of seeded random interleavings — votes, unvotes, tier changes, lapses, rejoins and duplicate re-counts, many
 * at once, with topics closing and reopening — after which every topic's score is the sum of its counted votes, and
 * every patron's votes for open topics count as their membership and the limit say (closed topics' scores are final).
 * Seeded: a failure names the seed that replays it (VOTES_SEED=<n>).
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Patrons from "../../core/patrons";
import type { PatronStatus } from "../../core/patrons";
import * as Topics from "../../core/topics";
import * as Votes from "../../core/votes";
import { createTopics, savePatron, saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { random } from "../helpers/random";
import { changeMembership, expectExactTallies, expectPlacesHeld, refusal } from "../helpers/votes";

useLocalStack();


const TIER_IDS = ["coffee", "co-creator", "yearly"] as const;
const STATUSES: PatronStatus[] = ["active", "grace", "lapsed", "comped"];

describe("voting", () => {
  it("counts an active patron's vote with their tier's weight, once however often they vote", async () => {
    const [topic] = await createTopics(1);
    const patron = await savePatron({ tierId: "co-creator" });
    await Promise.all([Votes.vote(patron.subscriberId, topic!), Votes.vote(patron.subscriberId, topic!)]);
    const again = await Votes.vote(patron.subscriberId, topic!);
    expect(again).toMatchObject({ id: topic, score: 3, voters: 1 });
    const record = await Db.Votes.get(topic!, patron.subscriberId);
    expect(record).toMatchObject({ weight: 3, counted: true, tierId: "co-creator" });
    expect(await Votes.unvote(patron.subscriberId, topic!)).toMatchObject({ score: 0, voters: 0 });
    expect(await Votes.unvote(patron.subscriberId, topic!)).toMatchObject({ score: 0, voters: 0 });
  });

  it("refuses readers who aren't patrons, lapsed patrons and patrons in grace (403 not_eligible); comped patrons vote", async () => {
    const [topic] = await createTopics(1);
    const reader = await saveSubscriber();
    expect(await refusal(Votes.vote(reader.id, topic!))).toEqual({ status: 403, code: "not_eligible" });
    const lapsed = await savePatron({ status: "lapsed" });
    expect(await refusal(Votes.vote(lapsed.subscriberId, topic!))).toEqual({ status: 403, code: "not_eligible" });
    const grace = await savePatron({ status: "grace" });
    expect(await refusal(Votes.vote(grace.subscriberId, topic!))).toEqual({ status: 403, code: "not_eligible" });
    const comped = await savePatron({ status: "comped", tierId: "yearly" });
    expect(await Votes.vote(comped.subscriberId, topic!)).toMatchObject({ score: 3, voters: 1 });
  });

  it("keeps a patron's votes counting in grace but takes no new ones", async () => {
    const [kept, fresh] = await createTopics(2);
    const patron = await savePatron();
    await Votes.vote(patron.subscriberId, kept!);
    await changeMembership(patron.subscriberId, { status: "grace" });
    expect(await Db.Topics.tally(kept!)).toEqual({ score: 1, voters: 1 });
    expect(await refusal(Votes.vote(patron.subscriberId, fresh!))).toEqual({ status: 403, code: "not_eligible" });
    expect(await Db.Topics.tally(fresh!)).toEqual({ score: 0, voters: 0 });
  });

  it("allows MAX_VOTES_PER_PATRON open topics (3), even voting for many at once; the 4th is 409 vote_limit", async () => {
    const topics = await createTopics(6);
    const patron = await savePatron();
    const outcomes = await Promise.all(topics.map((topic) => refusal(Votes.vote(patron.subscriberId, topic))));
    expect(outcomes.filter((o) => o === undefined)).toHaveLength(3);
    expect(outcomes.filter((o) => o !== undefined)).toEqual(Array(3).fill({ status: 409, code: "vote_limit" }));
    // A closed topic no longer takes a place; a topic not open takes no vote.
    const voted = (await Db.Votes.ballot(patron.subscriberId)).topicIds;
    await Topics.upsert(voted[0]!, { title: "Closed", status: "closed" });
    const free = topics.find((t) => !voted.includes(t))!;
    expect(await Votes.vote(patron.subscriberId, free)).toMatchObject({ voters: 1 });
    expect(await refusal(Votes.vote(patron.subscriberId, voted[0]!))).toBeUndefined(); // already voted: unchanged
    const [closed] = await createTopics(1, { status: "closed" });
    const other = await savePatron();
    expect(await refusal(Votes.vote(other.subscriberId, closed!))).toEqual({ status: 409, code: "topic_not_open" });
  });

  it("stops a lapsed patron's votes at once, keeps them as history, restores them on rejoining and re-weights them on a tier change", async () => {
    const [topic] = await createTopics(1);
    const patron = await savePatron({ tierId: "coffee" });
    await Votes.vote(patron.subscriberId, topic!);
    await changeMembership(patron.subscriberId, { status: "lapsed" }, 3); // a webhook processed three times
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 0, voters: 0 });
    expect(await Db.Votes.get(topic!, patron.subscriberId)).toMatchObject({ counted: false, weight: 1 });
    await changeMembership(patron.subscriberId, { status: "active", tierId: "co-creator" }, 2);
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 3, voters: 1 });
    await changeMembership(patron.subscriberId, { tierId: "coffee" }, 2);
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 1, voters: 1 });
    expect((await Votes.results(topic!)).byTier).toEqual([{ tierId: "coffee", score: 1, voters: 1 }]);
  });
});

describe("re-counting where memberships change (comps and their expiry)", () => {
  it("re-weights on a new comp tier, stops counting when the comp expires (run twice: once), restores on a new comp", async () => {
    const DAY = 24 * 60 * 60 * 1000;
    const [topic] = await createTopics(1);
    const { id, email } = await saveSubscriber();
    const now = new Date();
    const until = new Date(now.getTime() + DAY).toISOString();
    await Patrons.comp({ email, tierId: "co-creator", until, by: "test" }, now);
    await Votes.vote(id, topic!);
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 3, voters: 1 });

    await Patrons.comp({ email, tierId: "coffee", until, by: "test" }, now);
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 1, voters: 1 });

    const later = new Date(now.getTime() + 2 * DAY);
    await Promise.all([Patrons.expire(later), Patrons.expire(later)]);
    expect((await Db.Patrons.get(id))?.status).toBe("lapsed");
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 0, voters: 0 });
    expect(await Db.Votes.get(topic!, id)).toMatchObject({ counted: false });

    await Patrons.comp({ email, tierId: "yearly", until: new Date(later.getTime() + DAY).toISOString(), by: "test" }, later);
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 3, voters: 1 });
  });
});

describe("scores under any interleaving (property)", () => {
  const seeds = process.env.VOTES_SEED ? [Number(process.env.VOTES_SEED)] : [1, 2, 3, 4, 5];

  it.each(seeds)("seed %i: every score is the sum of its counted votes, and open topics count the votes of patrons whose votes count", async (seed) => {
    const rnd = random(seed);
    const topics = await createTopics(5);
    const patrons = await Promise.all(
      Array.from({ length: 12 }, () => savePatron({ status: rnd.pick(STATUSES), tierId: rnd.pick(TIER_IDS) })),
    );
    const tally = { ops: 0, refused: 0 };
    for (let round = 0; round < 10; round++) {
      const ops = Array.from({ length: 40 }, () => {
        const { subscriberId } = rnd.pick(patrons);
        const topicId = rnd.pick(topics);
        const roll = rnd.next();
        if (roll < 0.45) return refusal(Votes.vote(subscriberId, topicId)).then((r) => r && tally.refused++);
        if (roll < 0.6) return refusal(Votes.unvote(subscriberId, topicId)).then((r) => r && tally.refused++); // closed: 409
        if (roll < 0.7) return changeMembership(subscriberId, { tierId: rnd.pick(TIER_IDS) }, 1 + Math.floor(rnd.next() * 3));
        if (roll < 0.8) return changeMembership(subscriberId, { status: rnd.pick(["lapsed", "grace"] as const) }, 2);
        if (roll < 0.88) return changeMembership(subscriberId, { status: rnd.pick(["active", "comped"] as const) }, 2);
        if (roll < 0.91) return Topics.upsert(topicId, { title: `Topic ${topicId}`, status: rnd.pick(["open", "closed"] as const) });
        return Votes.recount(subscriberId); // a duplicate webhook: nothing changed, nothing moves
      });
      tally.ops += ops.length;
      await Promise.all(ops);
    }
    const actual = await expectExactTallies(topics, seed);
    for (const { subscriberId } of patrons) {
      const ballot = await Db.Votes.ballot(subscriberId);
      // The ballot names exactly the topics the patron has a vote record for.
      const recorded = (await Promise.all(topics.map((t) => Db.Votes.get(t, subscriberId)))).filter((v) => v !== undefined);
      expect([...ballot.topicIds].sort()).toEqual(recorded.map((v) => v.topicId).sort());
      // Votes for open topics count as the patron's membership and the ballot's places say (closed topics' are final).
      await expectPlacesHeld(subscriberId, { seed, subscriberId });
    }
    expect(actual.some((t) => t.score > 0)).toBe(true);
    console.log(`votes seed ${seed}: ${tally.ops} operations (${tally.refused} refused), scores ${actual.map((t) => t.score).join(" ")}`);
  }, 120_000);
});
