/**
 * The editors' views of the list against the real local stack: `GET /api/subscribers` by status and topic, paged
 * to the end without repeats or gaps; `GET /api/subscribers/{email}` with the patron; `GET /api/stats` counting
 * subscribers by status, patrons by status and tier, and monthly recurring revenue. Editors only.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import type { Patron } from "../../core/patrons";
import { editor, publish } from "../helpers/editor";
import { saveSubscribers } from "../helpers/factories";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import type { Subscriber } from "../../core/subscribers";

useLocalStack();

let people: Subscriber[] = [];
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

beforeAll(async () => {
  await publish({ "ad-climate": "Climate", "ad-housing": "Housing" }, []);
  people = await saveSubscribers([
    ...Array.from({ length: 23 }, (_, i) => ({
      frequency: i % 3 === 0 ? ("daily" as const) : ("weekly" as const),
      topics: i % 2 === 0 ? ["ad-climate"] : ["ad-housing"],
    })),
    ...Array.from({ length: 5 }, () => ({ status: "unsubscribed" as const, topics: ["ad-climate"] })),
    ...Array.from({ length: 2 }, () => ({ status: "pending" as const, expiresAt: inAnHour() })),
    { status: "pending" as const, expiresAt: Math.floor(Date.now() / 1000) - 60 }, // an expired sign-up: nobody
    { status: "bounced" as const, suppressedReason: "permanent bounce" },
  ]);
});

/** Every subscriber id a listing pages through, following cursors to the end. */
async function listAll(query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const response = await editor("GET", `/api/subscribers?${query}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { subscribers: Array<{ id: string }>; cursor: string | null };
    ids.push(...page.subscribers.map((s) => s.id));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

const ids = (filter: (s: Subscriber) => boolean) => people.filter(filter).map((s) => s.id).sort();
const live = (s: Subscriber) => !(s.expiresAt && s.expiresAt * 1000 <= Date.now());

describe("GET /api/subscribers", () => {
  it("pages through a status, every status, and a topic's followers, each subscriber once", async () => {
    const active = await listAll("status=active");
    expect(active.sort()).toEqual(ids((s) => s.status === "active"));
    expect((await listAll("")).sort()).toEqual(ids(live));
    expect((await listAll("topic=ad-climate")).sort()).toEqual(ids((s) => s.topics.includes("ad-climate")));
    expect((await listAll("topic=ad-climate&status=unsubscribed")).sort()).toEqual(ids((s) => s.status === "unsubscribed"));

    const first = (await (await editor("GET", "/api/subscribers?status=bounced")).json()) as any;
    expect(first.subscribers).toEqual([
      expect.objectContaining({ email: people.at(-1)!.email, status: "bounced", suppressedReason: "permanent bounce", consent: expect.any(Object) }),
    ]);
    expect(first.subscribers[0]).not.toHaveProperty("version");
    expect(first.subscribers[0]).not.toHaveProperty("confirmationsSentAt");
  });

  it("refuses a bad status, topic or cursor (400), and anyone without an editor token (401)", async () => {
    for (const query of ["status=member", "topic=Not%20A%20Topic", "cursor=nonsense", "cursor=99.", "limit=0"]) {
      const response = await editor("GET", `/api/subscribers?${query}`);
      expect([query, response.status]).toEqual([query, 400]);
    }
    for (const path of ["/api/subscribers", `/api/subscribers/${people[0]!.email}`, "/api/stats", "/api/subscribers/export"]) {
      expect([path, (await request(path)).status]).toEqual([path, 401]);
    }
  });
});

describe("GET /api/subscribers/{email}", () => {
  it("answers the subscriber (any case) with their patron or null; 404 for nobody, 400 for no address", async () => {
    const [reader, patron] = [people[0]!, people[1]!];
    const at = new Date().toISOString();
    await Db.Patrons.save({ subscriberId: patron.id, status: "active", tierId: "coffee", stripeCustomerId: "cus_admin1", createdAt: at, updatedAt: at, version: 1 });

    const response = await editor("GET", `/api/subscribers/${encodeURIComponent(reader.email.toUpperCase())}`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).subscriber).toMatchObject({ id: reader.id, email: reader.email, status: "active", patron: null });
    const withPatron = (await (await editor("GET", `/api/subscribers/${encodeURIComponent(patron.email)}`)).json()) as any;
    expect(withPatron.subscriber.patron).toMatchObject({ status: "active", tierId: "coffee", stripeCustomerId: "cus_admin1" });
    expect(withPatron.subscriber.patron).not.toHaveProperty("version");

    expect((await editor("GET", "/api/subscribers/nobody-here%40example.com")).status).toBe(404);
    expect((await editor("GET", `/api/subscribers/${encodeURIComponent(people.find((s) => !live(s))!.email)}`)).status).toBe(404);
    expect((await editor("GET", "/api/subscribers/not-an-address")).status).toBe(400);
    await Db.Erasure.deleteAll([{ pk: `SUB#${patron.id}`, sk: "PATRON" }]);
  });
});

describe("GET /api/stats", () => {
  it("counts subscribers by status, patrons by status and tier, and monthly recurring revenue", async () => {
    const at = new Date().toISOString();
    const patrons: Array<Partial<Patron>> = [
      { status: "active", tierId: "coffee", stripeSubscriptionId: "sub_1" },
      { status: "active", tierId: "coffee", stripeSubscriptionId: "sub_2" },
      { status: "grace", tierId: "co-creator", stripeSubscriptionId: "sub_3" },
      { status: "active", tierId: "yearly", stripeSubscriptionId: "sub_4" },
      { status: "comped", tierId: "yearly" },
      { status: "lapsed", tierId: "coffee", stripeSubscriptionId: "sub_5" },
      { status: "paused", tierId: "coffee", stripeSubscriptionId: "sub_6", pausedUntil: new Date(Date.now() + 86_400_000).toISOString() },
    ];
    for (const [i, fields] of patrons.entries()) {
      await Db.Patrons.save({ subscriberId: people[i + 2]!.id, status: "active", tierId: "coffee", createdAt: at, updatedAt: at, version: 1, ...fields } as Patron);
    }
    const response = await editor("GET", "/api/stats");
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.subscribers).toEqual({
      byStatus: { pending: 2, active: 23, unsubscribed: 5, bounced: 1, complained: 0 },
      total: 31,
    });
    expect(body.patrons.byStatus).toEqual({ active: 3, grace: 1, lapsed: 1, comped: 1, paused: 1 });
    expect(body.patrons.byTier).toEqual({
      coffee: { active: 2, grace: 0, lapsed: 1, comped: 0, paused: 1 },
      "co-creator": { active: 0, grace: 1, lapsed: 0, comped: 0, paused: 0 },
      yearly: { active: 1, grace: 0, lapsed: 0, comped: 1, paused: 0 },
    });
    // 2 × 5.00 + 15.00 (grace is still billed) + 50.00 / 12; the comp and the lapsed patron pay nothing.
    expect(body.monthlyRecurringRevenue).toEqual({ eur: Math.round((2 * 500 * 12 + 1500 * 12 + 5000) / 12) });
    // The paused patron pays nothing now, and is counted apart: what they pay once it resumes.
    expect(body.pausedMonthlyRevenue).toEqual({ eur: 500 });
  });
});
