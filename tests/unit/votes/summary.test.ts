/**
 * A topic's votes summed up for editors (`core/votes/summary.ts`): score and voters by tier from the votes that
 * count, in the tiers' configured order; and the votes held now, cumulative by the day each was cast.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { byTier, overTime } from "../../../core/votes/summary";
import type { Vote } from "../../../core/votes/types";
import { useLocalEnv } from "../../helpers/local";

beforeAll(() => {
  useLocalEnv();
  process.env.TABLE_NAME ??= "unused"; // configuration asks for one; nothing here reads a table
});

const vote = (tierId: string, weight: number, createdAt: string, counted = true): Vote => ({
  subscriberId: `sub_${Math.random().toString(36).slice(2)}`,
  topicId: "harbour",
  tierId,
  weight,
  counted,
  createdAt,
  updatedAt: createdAt,
});

describe("votes by tier", () => {
  it("sums each tier's counted votes with each vote's own weight, in the configured tiers' order, a retired tier last", () => {
    const votes = [
      vote("yearly", 3, "2026-11-01T10:00:00Z"),
      vote("retired", 2, "2026-11-01T10:00:00Z"),
      vote("coffee", 1, "2026-11-02T10:00:00Z"),
      vote("coffee", 1, "2026-11-03T10:00:00Z"),
      vote("coffee", 1, "2026-11-03T11:00:00Z", false),
    ];
    expect(byTier(votes)).toEqual([
      { tierId: "coffee", tierName: "Coffee", score: 2, voters: 2 },
      { tierId: "yearly", tierName: "Yearly", score: 3, voters: 1 },
      { tierId: "retired", tierName: "retired", score: 2, voters: 1 },
    ]);
    expect(byTier([])).toEqual([]);
  });
});

describe("votes over time", () => {
  it("counts the votes held now by the end of each of the last days (UTC), those cast before the first day included", () => {
    const now = new Date("2026-11-10T08:00:00Z");
    const votes = [
      vote("coffee", 1, "2026-01-01T00:00:00Z"),
      vote("coffee", 1, "2026-11-08T23:59:59Z", false),
      vote("coffee", 1, "2026-11-10T07:00:00Z"),
    ];
    const { days, cast, counting } = overTime(votes, now, 4);
    expect(days).toEqual(["2026-11-07", "2026-11-08", "2026-11-09", "2026-11-10"]);
    expect(cast).toEqual([1, 2, 2, 3]);
    expect(counting).toEqual([1, 1, 1, 2]);
    expect(overTime([], now).days).toHaveLength(90);
  });
});
