/**
 * Erasure and topic votes (`product.md` → Subscribers → Privacy, Topic votes): an erased patron's votes stay as
 * anonymous records; on open topics they stop counting (the tally drops by their weight and one voter, as for a
 * lapse), on closed and covered topics the final score stays as it was. A closed topic reopened later stops counting
 * the anonymous vote. An erasure decided on a topic's status an editor changes meanwhile reads again, and erasures
 * racing re-counts, votes and reopenings leave every score the sum of its counted votes.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Privacy from "../../core/privacy";
import * as Topics from "../../core/topics";
import * as Votes from "../../core/votes";
import { createTopics, savePatron } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { random } from "../helpers/random";
import { changeMembership, expectExactTallies, expectPlacesHeld, refusal } from "../helpers/votes";

useLocalStack();

const setStatus = (topicId: string, status: Topics.TopicStatus) => Topics.upsert(topicId, { title: `Topic ${topicId}`, status });

/** The vote records of a topic left by nobody who still exists: anonymous ones. */
const anonymousVotes = async (topicId: string) => (await Db.Votes.byTopic(topicId)).filter((vote) => vote.subscriberId.startsWith("anon_"));

/** Whether any vote record, on any of `topicIds`, still names `subscriberId`. */
const namesThem = async (subscriberId: string, topicIds: readonly string[]) =>
  (await Promise.all(topicIds.map((topicId) => Db.Votes.byTopic(topicId)))).flat().some((vote) => vote.subscriberId === subscriberId);

describe("erasing a patron who voted", () => {
  it("drops their vote from an open topic's tally, keeps covered and closed topics' final scores, and keeps every vote anonymous", async () => {
    const [open, covered, closed] = await createTopics(3);
    const { subscriberId: erased } = await savePatron({ tierId: "co-creator" });
    const { subscriberId: other } = await savePatron();
    for (const topic of [open!, covered!, closed!]) await Votes.vote(erased, topic);
    await Votes.vote(other, open!);
    await setStatus(covered!, "covered");
    await setStatus(closed!, "closed");
    expect(await Db.Topics.tally(open!)).toEqual({ score: 4, voters: 2 });

    expect(await Privacy.erase(erased)).toMatchObject({ votes: 3 });

    expect(await Db.Topics.tally(open!)).toEqual({ score: 1, voters: 1 });
    expect(await Db.Topics.tally(covered!)).toEqual({ score: 3, voters: 1 });
    expect(await Db.Topics.tally(closed!)).toEqual({ score: 3, voters: 1 });
    expect(await anonymousVotes(open!)).toEqual([expect.objectContaining({ counted: false, weight: 3, tierId: "co-creator" })]);
    expect(await anonymousVotes(covered!)).toEqual([expect.objectContaining({ counted: true, weight: 3 })]);
    expect(await anonymousVotes(closed!)).toEqual([expect.objectContaining({ counted: true, weight: 3 })]);
    expect(await namesThem(erased, [open!, covered!, closed!])).toBe(false);
    expect(await Db.Votes.get(open!, other)).toMatchObject({ counted: true, weight: 1 });
    await expectExactTallies([open!, covered!, closed!]);

    // Erasing again (a retried request) changes nothing.
    expect(await Privacy.erase(erased)).toMatchObject({ votes: 0 });
    expect(await Db.Topics.tally(open!)).toEqual({ score: 1, voters: 1 });
    expect(await Db.Topics.tally(covered!)).toEqual({ score: 3, voters: 1 });
  });

  it("stops counting the anonymous vote in a closed topic once it reopens", async () => {
    const [topic] = await createTopics(1);
    const { subscriberId: erased } = await savePatron({ tierId: "yearly" });
    await Votes.vote(erased, topic!);
    await setStatus(topic!, "closed");
    await Privacy.erase(erased);
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 3, voters: 1 });

    await setStatus(topic!, "open");
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 0, voters: 0 });
    expect(await anonymousVotes(topic!)).toEqual([expect.objectContaining({ counted: false, weight: 3 })]);
    await expectExactTallies([topic!]);
  });

  it("reads again when an editor closes the topic between the erasure's read and its write", async () => {
    const [topic] = await createTopics(1);
    const { subscriberId: erased } = await savePatron();
    await Votes.vote(erased, topic!);
    const vote = (await Db.Votes.get(topic!, erased))!;
    // The erasure read the topic open (its vote should stop counting) ... then the topic closed: its score is final.
    await setStatus(topic!, "closed");
    expect(await Db.Erasure.anonymizeVote(vote, true, new Date().toISOString())).toBe(false);
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 1, voters: 1 });
    await Privacy.erase(erased);
    expect(await Db.Topics.tally(topic!)).toEqual({ score: 1, voters: 1 });
    expect(await anonymousVotes(topic!)).toEqual([expect.objectContaining({ counted: true })]);
  });
});

describe("erasures racing re-counts, votes and reopenings (property)", () => {
  const seeds = process.env.VOTES_SEED ? [Number(process.env.VOTES_SEED)] : [21, 22];

  it.each(seeds)("seed %i: every score is the sum of its counted votes, and no erased patron's vote counts on an open topic", async (seed) => {
    const rnd = random(seed);
    const topics = await createTopics(4);
    const patrons = await Promise.all(Array.from({ length: 10 }, () => savePatron({ tierId: rnd.pick(["coffee", "co-creator"] as const) })));
    for (const { subscriberId } of patrons) {
      for (const topic of topics) if (rnd.chance(0.6)) await refusal(Votes.vote(subscriberId, topic));
    }
    await setStatus(topics[0]!, "closed");
    const erased = patrons.slice(0, 5).map((p) => p.subscriberId);
    const kept = patrons.slice(5).map((p) => p.subscriberId);

    const ops = [
      ...erased.map((id) => Privacy.erase(id)),
      // Duplicate webhooks re-counting the erased patrons' votes as they go.
      ...erased.flatMap((id) => [Votes.recount(id), Votes.recount(id)]),
      ...Array.from({ length: 24 }, () => {
        const id = rnd.pick(kept);
        const topicId = rnd.pick(topics);
        const roll = rnd.next();
        if (roll < 0.4) return refusal(Votes.vote(id, topicId));
        if (roll < 0.55) return refusal(Votes.unvote(id, topicId));
        if (roll < 0.75) return changeMembership(id, { tierId: rnd.pick(["coffee", "co-creator"] as const) }, 2);
        return setStatus(rnd.pick(topics), rnd.pick(["open", "closed"] as const));
      }),
    ];
    await Promise.all(rnd.chance(0.5) ? ops : ops.reverse());

    await expectExactTallies(topics, seed);
    for (const id of erased) expect({ seed, id, named: await namesThem(id, topics) }).toEqual({ seed, id, named: false });
    for (const topicId of topics) {
      if ((await Db.Topics.get(topicId))?.status !== "open") continue;
      expect({ seed, topicId, counted: (await anonymousVotes(topicId)).filter((v) => v.counted) }).toEqual({ seed, topicId, counted: [] });
    }
    for (const id of kept) await expectPlacesHeld(id, { seed, id });
  }, 120_000);
});
