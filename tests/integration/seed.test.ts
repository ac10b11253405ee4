/** `npm start`'s demo data: enough for an editor to create a digest and preview it, and safe to seed twice. */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Digests from "../../core/digests";
import * as Stats from "../../core/stats";
import { sourcesBetween } from "../../core/stats/sources";
import { stats } from "../../core/subscribers/stats";
import { seed } from "../../scripts/seed";
import { useLocalStack } from "../helpers/local";

useLocalStack();

describe("demo data", () => {
  it("seeds topics, subscribers and a week of articles, idempotently", async () => {
    const lines = await seed();
    expect(await seed()).toEqual(lines);
    expect(lines.some((line) => line.includes("/preferences?token="))).toBe(true);
    expect((await Db.Topics.byStatus(["open"])).length).toBeGreaterThanOrEqual(3);
    const ada = await Db.Subscribers.getByEmail("ada@example.com");
    expect(ada).toMatchObject({ status: "active" });
    // A comped patron's proposal, once however often it is seeded: the dashboard's topics page has one to approve.
    expect(await Db.Patrons.get(ada!.id)).toMatchObject({ status: "comped" });
    expect((await Db.Topics.byStatus(["proposed"])).filter((topic) => topic.proposedBy === ada!.id)).toHaveLength(1);
    // The retention page has conversions by source to show, counted once however often it is seeded.
    const { sources } = await sourcesBetween({});
    expect(sources.find((row) => row.source === "article:rent-cap-vote")).toMatchObject({ signups: 2, confirmations: 1 });

    const weekly = await Digests.create({ frequency: "weekly" });
    expect(weekly.digest.articleIds.length).toBeGreaterThanOrEqual(10);
    const daily = await Digests.create({ frequency: "daily" });
    expect(daily.digest.articleIds.length).toBeGreaterThanOrEqual(2);
    expect(daily.digest.articleIds.length).toBeLessThan(weekly.digest.articleIds.length);
  });

  it("seeds 90 made-up days of figures before today, marked demo, ending at today's real figures", async () => {
    const now = new Date();
    await seed(now);
    const day = (back: number) => Db.Stats.dayOf(new Date(now.getTime() - back * 86_400_000));
    const { days } = await Stats.history({ from: day(90), to: day(0) }, now);
    expect(days).toHaveLength(90);
    expect(days.every((day) => day.demo === true && day.date < Db.Stats.dayOf(now))).toBe(true);
    const real = await stats();
    expect(days.at(-1)!.subscribers.byStatus.active).toBe(real.subscribers.byStatus.active);
    for (const [before, after] of days.slice(0, -1).map((day, i) => [day, days[i + 1]!] as const)) {
      expect(after.subscribers.byStatus.active, after.date).toBe(before.subscribers.byStatus.active + after.joined.subscribers - after.churned.subscribers);
    }
  });
});
