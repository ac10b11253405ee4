/** `npm start`'s demo data: enough for an editor to create a digest and preview it, and safe to seed twice. */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Digests from "../../core/digests";
import { seed } from "../../scripts/seed";
import { useLocalStack } from "../helpers/local";

useLocalStack();

describe("demo data", () => {
  it("seeds topics, subscribers and a week of articles, idempotently", async () => {
    const lines = await seed();
    expect(await seed()).toEqual(lines);
    expect(lines.some((line) => line.includes("/preferences?token="))).toBe(true);
    expect((await Db.Topics.byStatus(["open"])).length).toBeGreaterThanOrEqual(3);
    expect(await Db.Subscribers.getByEmail("ada@example.com")).toMatchObject({ status: "active" });

    const weekly = await Digests.create({ frequency: "weekly" });
    expect(weekly.digest.articleIds.length).toBeGreaterThanOrEqual(10);
    const daily = await Digests.create({ frequency: "daily" });
    expect(daily.digest.articleIds.length).toBeGreaterThanOrEqual(2);
    expect(daily.digest.articleIds.length).toBeLessThan(weekly.digest.articleIds.length);
  });
});
