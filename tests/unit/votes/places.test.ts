/** The ballot's places as a pure rule (`core/votes/places.ts`): which votes for open topics hold one, and which wait. */
import { describe, expect, it } from "vitest";
import { holdingPlaces, placedAt, recountsDue, type HeldVote } from "../../../core/votes/places";
import type { Patron } from "../../../core/patrons/types";
import type { Topic } from "../../../core/topics/types";

const at = (day: number) => `2026-11-${String(day).padStart(2, "0")}T00:00:00.000Z`;
/** A vote cast on `cast` for a topic of `status` that (re)opened on `opened`. */
function held(id: string, cast: number, opened: number, status: Topic["status"] = "open", counted = true): HeldVote {
  const topic: Topic = { id, title: id, status, articleIds: [], openedAt: at(opened), createdAt: at(1), updatedAt: at(1) };
  return { topic, vote: { subscriberId: "sub_a", topicId: id, tierId: "coffee", weight: 1, counted, createdAt: at(cast), updatedAt: at(cast) } };
}

describe("places on a ballot", () => {
  it("a vote takes its place when cast, or when its topic reopened if later", () => {
    expect(placedAt(held("a", 5, 2))).toBe(at(5));
    expect(placedAt(held("a", 5, 9))).toBe(at(9));
    const { topic, vote } = held("a", 5, 9);
    expect(placedAt({ vote, topic: { ...topic, openedAt: undefined } })).toBe(at(5)); // opened before this was kept: createdAt
  });

  it("gives the places to the votes for open topics placed first; closed topics' votes take none", () => {
    const votes = [held("reopened", 2, 10), held("b", 3, 1), held("c", 4, 1), held("d", 6, 1), held("closed", 1, 1, "closed")];
    expect([...holdingPlaces(votes, 3)].sort()).toEqual(["b", "c", "d"]);
    expect([...holdingPlaces(votes.filter((v) => v.topic.id !== "b"), 3)].sort()).toEqual(["c", "d", "reopened"]);
  });

  it("stops every counted vote for an open topic of a patron whose votes don't count; never touches closed or covered topics", () => {
    const lapsed: Patron = { subscriberId: "sub_a", status: "lapsed", tierId: "coffee", createdAt: at(1), updatedAt: at(1), version: 2 };
    const votes = [held("a", 2, 1), held("closed", 1, 1, "covered"), held("waiting", 2, 10, "open", false)];
    expect(recountsDue(lapsed, votes, 3).map(({ vote, next }) => [vote.topicId, next.counted])).toEqual([["a", false]]);
  });
});
