/**
 * The editors' figures over time against the real local stack: the daily snapshot (written once per day, whatever
 * the retries), the per-day joined and churned counters (each change counted once, under duplicated, concurrent
 * and half-failed deliveries of the webhooks and events that make it), and `GET /api/stats/history` (its range,
 * its refusals, its order, and one Query of the snapshot partition: never a Scan, checked at the wire through a
 * proxy in front of DynamoDB Local).
 */
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as Db from "../../core/db";
import * as keys from "../../core/db/keys";
import * as Patrons from "../../core/patrons";
import * as Privacy from "../../core/privacy";
import * as Stats from "../../core/stats";
import type { DaySnapshot } from "../../core/stats";
import * as Subscribers from "../../core/subscribers";
import * as Tokens from "../../core/tokens";
import { handler as snapshotHandler } from "../../functions/cron/stats-snapshot";
import { startLocalSnapshots } from "../../scripts/local-stats";
import { startDynamoDbProxy, type DynamoDbProxy } from "../helpers/dynamodb-proxy";
import { editor, editorAs, EDITOR_TOKEN } from "../helpers/editor";
import { saveSubscriber } from "../helpers/factories";
import { savePatronSubscriber } from "../helpers/factories/patrons";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

const DAY = 86_400_000;
const dayOf = Db.Stats.dayOf;
const shift = (date: string, days: number) => dayOf(new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY));
/** Today's counts: changes are counted on the day (UTC) they are written, and these tests write them now. */
const todays = () => Db.Stats.countsOf(dayOf(new Date()));
/** What `act` added to today's counts. */
async function countsAdded(act: () => unknown) {
  const before = await todays();
  await act();
  const after = await todays();
  return Object.fromEntries(Object.entries(after).map(([name, value]) => [name, value - before[name as keyof typeof before]]));
}
const nothing = { subscribersJoined: 0, subscribersChurned: 0, patronsJoined: 0, patronsChurned: 0 };

/** The snapshot items stored for a day, read straight from its key range (not through the code under test). */
const storedFor = async (date: string) => Db.Stats.snapshotsBetween(date, date);

let proxy: DynamoDbProxy | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

describe("the daily snapshot", () => {
  it("is written once for a day: taken again (a retried schedule) it leaves the first item as it was", async () => {
    await saveSubscriber({ status: "active" });
    await savePatronSubscriber({ status: "active", stripeSubscriptionId: "sub_snap", stripePriceId: "price_coffee", tierId: "coffee" });
    const date = "2025-03-14";

    const first = await Stats.takeSnapshot(date, new Date("2025-03-15T00:05:00Z"));
    await saveSubscriber({ status: "active" }); // the figures move between the two runs
    const second = await Stats.takeSnapshot(date, new Date("2025-03-15T00:09:00Z"));

    expect(first.written).toBe(true);
    expect(second).toEqual({ written: false, snapshot: first.snapshot });
    expect(await storedFor(date)).toEqual([first.snapshot]);
    expect(first.snapshot).toMatchObject({ date, takenAt: "2025-03-15T00:05:00.000Z", contributions: { month: "2025-03" } });
    expect(first.snapshot.provisional).toBeUndefined();
    expect(first.snapshot.subscribers.byStatus.active).toBeGreaterThanOrEqual(2);
    expect(first.snapshot.patrons.byStatus.active).toBeGreaterThanOrEqual(1);
    expect(first.snapshot.mrr.eur).toBeGreaterThan(0);
  });

  it("the schedule run twice at once (and its handler) writes yesterday's snapshot as one item", async () => {
    const now = new Date("2025-04-02T00:05:00Z");
    const runs = await Promise.all([Stats.runSchedule(now), Stats.runSchedule(now), Stats.runSchedule(now)]);
    expect(runs.map((run) => run.date)).toEqual(["2025-04-01", "2025-04-01", "2025-04-01"]);
    expect(runs.filter((run) => run.written)).toHaveLength(1);
    const stored = await storedFor("2025-04-01");
    expect(stored).toHaveLength(1);
    // The month of the day that ended, not the month the run happens in.
    expect(stored[0]!.contributions.month).toBe("2025-04");

    const yesterday = shift(dayOf(new Date()), -1);
    const handled = await snapshotHandler({});
    expect(handled.date).toBe(yesterday);
    expect(await snapshotHandler({})).toEqual({ date: yesterday, written: false });
    expect(await storedFor(yesterday)).toHaveLength(1);
  });

  it("a provisional snapshot (taken during its day) is replaced by later ones, and never replaces a final one", async () => {
    const date = "2025-05-20";
    const morning = await Stats.takeSnapshot(date, new Date("2025-05-20T09:00:00Z"));
    const noon = await Stats.takeSnapshot(date, new Date("2025-05-20T12:00:00Z"));
    expect([morning.snapshot.provisional, noon.written, noon.snapshot.provisional]).toEqual([true, true, true]);
    expect(await storedFor(date)).toEqual([noon.snapshot]);

    const final = await Stats.takeSnapshot(date, new Date("2025-05-21T00:05:00Z"));
    expect(final.written).toBe(true);
    expect(final.snapshot.provisional).toBeUndefined();
    const late = await Stats.takeSnapshot(date, new Date("2025-05-20T23:59:00Z"));
    expect(late).toEqual({ written: false, snapshot: final.snapshot });
    expect(await storedFor(date)).toEqual([final.snapshot]);
  });

  it("counts what it needs by Query and reads the counters by Query: the schedule never scans the table", async () => {
    proxy = await startDynamoDbProxy({ rate: 0 });
    await Stats.takeSnapshot("2025-06-01", new Date("2025-06-02T00:05:00Z"));
    expect(proxy.counts.operations.Scan).toBeUndefined();
    expect(Object.keys(proxy.counts.operations).sort()).toEqual(["PutItem", "Query"]);
  });

  it("npm start's schedule writes yesterday's snapshot if missing and today's, provisional, and stops cleanly", async () => {
    const today = dayOf(new Date());
    const schedule = startLocalSnapshots({ everyMs: 20 });
    try {
      await vi.waitFor(async () => expect(await storedFor(today)).toHaveLength(1), { timeout: 10_000, interval: 50 });
    } finally {
      await schedule.stop();
    }
    expect((await storedFor(today))[0]!.provisional).toBe(true);
    expect(await storedFor(shift(today, -1))).toHaveLength(1);
  });

  it("takes the day's joined and churned from its counters", async () => {
    const today = dayOf(new Date());
    const counts = await todays();
    const { snapshot } = await Stats.takeSnapshot(today);
    expect(snapshot.joined).toEqual({ subscribers: counts.subscribersJoined, patrons: counts.patronsJoined });
    expect(snapshot.churned).toEqual({ subscribers: counts.subscribersChurned, patrons: counts.patronsChurned });
    expect(snapshot.joined.subscribers).toBeGreaterThan(0); // this file's factories made active subscribers today
  });
});

describe("joined and churned, counted once per change", () => {
  it("subscribers: one confirmation link followed five times at once joins once; unsubscribes and bounces at once leave once", async () => {
    const pending = await saveSubscriber({ status: "pending" });
    const token = Tokens.sign("confirm", `${pending.id}~${pending.optIn!.id}`);
    const confirmed = await countsAdded(() => Promise.all(Array.from({ length: 5 }, () => Subscribers.confirm(token))));
    expect(confirmed).toEqual({ ...nothing, subscribersJoined: 1 });

    const unsubscribe = Tokens.sign("unsubscribe", pending.id);
    const left = await countsAdded(() =>
      Promise.all([
        Subscribers.unsubscribe(unsubscribe, "one-click"),
        Subscribers.unsubscribe(unsubscribe, "one-click"), // a mail client's one-click, sent twice
        Subscribers.unsubscribe(unsubscribe, "page"),
        Subscribers.markBounced(pending.id, "General"), // and SES's bounce, delivered twice
        Subscribers.markBounced(pending.id, "General"),
        Subscribers.markComplained(pending.id),
      ]),
    );
    expect(left).toEqual({ ...nothing, subscribersChurned: 1 });
    expect((await Db.Subscribers.get(pending.id))!.status).not.toBe("active");
  });

  it("an import's new active subscribers join, in the transaction that creates them; the same file again counts nothing", async () => {
    const emails = Array.from({ length: 12 }, (_, i) => uniqueEmail(`import${i}`));
    const csv = ["email,consented_at", ...emails.map((email) => `${email},2025-01-02`)].join("\n");
    const post = async () => {
      const response = await request("/api/subscribers/import", {
        method: "POST",
        headers: { authorization: `Bearer ${EDITOR_TOKEN}`, "content-type": "text/csv" },
        body: csv,
      });
      expect(response.status).toBe(200);
    };
    expect(await countsAdded(post)).toEqual({ ...nothing, subscribersJoined: 12 });
    expect(await countsAdded(post)).toEqual(nothing);
  });

  it("patrons: a subscription's events delivered many times at once, and redelivered after their claims are gone, join once", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("joins") });
    const { subscription } = stripeMember(stripe.fake, {
      email: subscriber.email,
      subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
    });
    const created = event("customer.subscription.created", subscription);
    const updated = event("customer.subscription.updated", subscription);

    const joined = await countsAdded(async () => {
      const deliveries = [created, created, created, updated, updated];
      const answers = await Promise.all(deliveries.map((evt) => deliver(evt)));
      // A copy that meets its twin still in flight is told to come back (503); Stripe does, and it is a duplicate.
      expect(answers.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true);
      for (const [i, answer] of answers.entries()) {
        if (answer.status === 503) expect((await deliver(deliveries[i]!)).status).toBe(200);
      }
      // A retry after a crash that came after the write (the claim taken back): processed again, changing nothing.
      await Db.db().send(new DeleteCommand({ TableName: Db.tableName(), Key: keys.event.key("stripe", created.id) }));
      expect(await (await deliver(created)).json()).toEqual({ received: true, outcome: "processed" });
    });
    expect(joined).toEqual({ ...nothing, patronsJoined: 1 });
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "active" });

    stripe.fake.put({ ...subscription, status: "canceled" });
    const cancelled = event("customer.subscription.deleted", { ...subscription, status: "canceled" });
    const churned = await countsAdded(async () => {
      const answers = await Promise.all([cancelled, cancelled, cancelled].map((evt) => deliver(evt)));
      for (const answer of answers) if (answer.status === 503) expect((await deliver(cancelled)).status).toBe(200);
    });
    expect(churned).toEqual({ ...nothing, patronsChurned: 1 });
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "lapsed" });
  });

  it("patrons: a transaction written whose answer was lost (the SDK retries it) still counts once", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("lost") });
    const { subscription } = stripeMember(stripe.fake, {
      email: subscriber.email,
      subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
    });
    proxy = await startDynamoDbProxy({ rate: 0 });
    proxy.failNext("drop-after", /^TransactWriteItems$/);
    const joined = await countsAdded(() => deliver(event("customer.subscription.created", subscription)));
    expect(proxy.counts.injected["drop-after"]).toBe(1);
    expect(joined).toEqual({ ...nothing, patronsJoined: 1 });
  });

  it("an erased paying patron (and their subscription) leaves once; erasing again counts nothing", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("erased") });
    const { subscription } = stripeMember(stripe.fake, {
      email: subscriber.email,
      subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
    });
    await deliver(event("customer.subscription.created", subscription));
    expect(await countsAdded(() => Privacy.erase(subscriber.id))).toEqual({ ...nothing, subscribersChurned: 1, patronsChurned: 1 });
    expect(await Db.Patrons.get(subscriber.id)).toBeUndefined();
    expect(await countsAdded(() => Privacy.erase(subscriber.id))).toEqual(nothing);
  });

  it("a trial is not paying yet: it joins when it converts; a comp neither joins nor leaves", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("trial") });
    const { subscription } = stripeMember(stripe.fake, {
      email: subscriber.email,
      subscription: { status: "trialing", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
    });
    expect(await countsAdded(() => deliver(event("customer.subscription.created", subscription)))).toEqual(nothing);
    stripe.fake.put({ ...subscription, status: "active" });
    expect(await countsAdded(() => deliver(event("customer.subscription.updated", { ...subscription, status: "active" })))).toEqual({
      ...nothing,
      patronsJoined: 1,
    });

    const comped = await saveSubscriber({ email: uniqueEmail("comp") });
    expect(
      await countsAdded(() => Patrons.comp({ email: comped.email, tierId: "coffee", until: new Date(Date.now() + 30 * DAY).toISOString(), by: "test" })),
    ).toEqual(nothing);
  });
});

/** A made-up snapshot of `date`, written straight to the table. */
async function putDay(date: string, overrides: Partial<DaySnapshot> = {}): Promise<DaySnapshot> {
  const snapshot: DaySnapshot = {
    date,
    takenAt: `${shift(date, 1)}T00:05:00.000Z`,
    subscribers: { byStatus: { pending: 1, active: 10, unsubscribed: 2, bounced: 0, complained: 0 }, total: 13 },
    patrons: { byStatus: { active: 3, grace: 0, lapsed: 1, comped: 1, paused: 0 }, byTier: { coffee: { active: 3, grace: 0, lapsed: 1, comped: 1, paused: 0 } }, total: 5 },
    mrr: { eur: 1500 },
    contributions: { month: date.slice(0, 7), byCurrency: { eur: { amount: 2500, count: 2, refunded: 0 } } },
    joined: { subscribers: 2, patrons: 1 },
    churned: { subscribers: 1, patrons: 0 },
    ...overrides,
  };
  await Db.db().send(new PutCommand({ TableName: Db.tableName(), Item: { ...keys.statsDay.key(date), entity: "stats-day", ...snapshot } }));
  return snapshot;
}

describe("GET /api/stats/history", () => {
  it("answers the snapshots of the range, oldest first, days without one left out, in one Query and no Scan", async () => {
    const days = await Promise.all(["2024-01-05", "2024-01-01", "2024-01-02", "2024-01-04"].map((date, i) => putDay(date, { mrr: { eur: 1000 + i } })));
    await putDay("2023-12-31");
    await putDay("2024-01-06");

    proxy = await startDynamoDbProxy({ rate: 0 });
    const response = await editorAs("read", "GET", "/api/stats/history?from=2024-01-01&to=2024-01-05");
    expect(response.status).toBe(200);
    const { days: answered } = (await response.json()) as { days: DaySnapshot[] };
    expect(answered.map((day: DaySnapshot) => day.date)).toEqual(["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-05"]);
    expect(answered).toEqual([...days].sort((a, b) => a.date.localeCompare(b.date)));
    // The editor's token is checked without the table; the figures are one Query of the snapshot partition.
    expect(proxy.counts.operations.Query).toBe(1);
    expect(proxy.counts.operations.Scan).toBeUndefined();
    expect(proxy.counts.itemsRead).toBe(4);
  });

  it("defaults to the last 90 days, today included", async () => {
    const today = dayOf(new Date());
    await Promise.all([putDay(today), putDay(shift(today, -89)), putDay(shift(today, -90)), putDay(shift(today, 1))]);
    const { days } = (await (await editor("GET", "/api/stats/history")).json()) as { days: DaySnapshot[] };
    const dates = days.map((day: DaySnapshot) => day.date);
    expect(dates).toContain(today);
    expect(dates).toContain(shift(today, -89));
    expect(dates).not.toContain(shift(today, -90));
    expect(dates).not.toContain(shift(today, 1));
    expect(dates.every((date: string) => date >= shift(today, -89) && date <= today)).toBe(true);
    // `from` alone runs to today; `to` alone goes 90 days back from it.
    const { days: upTo } = (await (await editor("GET", `/api/stats/history?to=${shift(today, -89)}`)).json()) as { days: DaySnapshot[] };
    expect(upTo.map((day: DaySnapshot) => day.date)).toEqual([shift(today, -90), shift(today, -89)]);
  });

  it("takes up to 400 days and refuses more, a `from` after `to`, and what is not a date, with a 400 saying why", async () => {
    expect((await editor("GET", "/api/stats/history?from=2024-01-01&to=2025-02-03")).status).toBe(200); // 400 days
    const refused = async (query: string, field: string, message: RegExp) => {
      const response = await editor("GET", `/api/stats/history?${query}`);
      expect(response.status, query).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; message: string; fields?: Record<string, string> } };
      expect(error.code, query).toBe("invalid_request");
      expect(Object.keys(error.fields ?? {}), query).toContain(field);
      expect(`${error.message} ${JSON.stringify(error.fields)}`, query).toMatch(message);
    };
    await refused("from=2024-01-01&to=2025-02-04", "from", /400 days/);
    await refused("from=2024-03-02&to=2024-03-01", "from", /after/);
    await refused("from=2024-02-30", "from", /date/);
    await refused("from=2024-13-01", "from", /date/);
    await refused("to=2024-01-32", "to", /date/);
    await refused("to=yesterday", "to", /date/);
    await refused("from=2024-1-1", "from", /date/);
    await refused("to=2024-01-01T00:00:00Z", "to", /date/);
  });

  it("is an editor's, of any scope: no token is 401", async () => {
    expect((await request("/api/stats/history")).status).toBe(401);
    expect((await editorAs("read", "GET", "/api/stats/history")).status).toBe(200);
  });

  it("is documented in the OpenAPI document with its query and its days", async () => {
    const doc = (await (await request("/openapi.json")).json()) as any;
    const operation = doc.paths["/api/stats/history"].get;
    expect(operation.security).toEqual([{ editorToken: ["read"] }]);
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["from", "to"]);
    expect(doc.components.schemas.StatsDay.required).toEqual(
      expect.arrayContaining(["date", "subscribers", "patrons", "mrr", "contributions", "joined", "churned"]),
    );
  });
});
