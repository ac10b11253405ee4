/**
 * The dashboard's overview (`product.md` → Editors' dashboard): the figures now and over time come from the daily
 * snapshots, as charts each followed by its table of the same numbers; days without a snapshot are gaps, not zeros;
 * the sends in progress show their counts.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import type { DaySnapshot } from "../../core/stats";
import { dashboardCookie, dashboardGet } from "../helpers/dashboard";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";

useLocalStack();

const DAY_MS = 86_400_000;
const dayOf = (ago: number) => new Date(Date.now() - ago * DAY_MS).toISOString().slice(0, 10);

function snapshot(ago: number, active: number, mrr: number): DaySnapshot {
  const date = dayOf(ago);
  return {
    date,
    takenAt: `${date}T23:59:00.000Z`,
    subscribers: { byStatus: { pending: 2, active, unsubscribed: 5, bounced: 1, complained: 0 }, total: active + 8 },
    patrons: {
      byStatus: { active: 40, grace: 2, lapsed: 7, comped: 3, paused: 0 } as DaySnapshot["patrons"]["byStatus"],
      byTier: { coffee: { active: 30, grace: 2, lapsed: 5, comped: 3, paused: 0 }, "co-creator": { active: 10, grace: 0, lapsed: 2, comped: 0, paused: 0 } } as DaySnapshot["patrons"]["byTier"],
      total: 52,
    },
    mrr: { eur: mrr },
    contributions: { month: date.slice(0, 7), byCurrency: { eur: { amount: 12_500, count: 4, refunded: 0 } } },
    joined: { subscribers: 3, patrons: 1 },
    churned: { subscribers: 1, patrons: 0 },
  };
}

describe("the overview", () => {
  it("draws the snapshots as charts with their tables: the latest figures, 90 days, 12 months; a missing day is a gap", async () => {
    for (const [ago, active, mrr] of [[40, 1000, 20_000], [2, 1180, 24_500], [1, 1234, 25_000]] as const) {
      await Db.Stats.putSnapshot(snapshot(ago, active, mrr));
    }
    const cookie = await dashboardCookie("editor");
    const page = await dashboardGet(cookie, "/editor");
    expect(page.status).toBe(200);
    const html = await page.text();

    // Now: the latest snapshot.
    expect(html).toContain("Active subscribers");
    expect(html).toMatch(/class="big">1,234</);
    expect(html).toContain("€250"); // 25,000 cents of monthly recurring revenue
    // Each chart is an accessible SVG followed by its table.
    for (const title of ["Subscribers by status, last 90 days", "Patrons by status, last 90 days", "Monthly recurring revenue (EUR), at each month's end", "Subscribers and patrons who joined and left, by month"]) {
      expect(html).toContain(`<title id=`);
      expect(html).toContain(title);
    }
    expect((html.match(/role="img"/g) ?? []).length).toBeGreaterThanOrEqual(5);
    expect(html).not.toMatch(/<script|style="/);
    // The 90 days' table has a row per day: the snapshot's figure where there is one, a gap where there is none.
    const yesterday = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${dayOf(1)}T00:00:00Z`));
    expect(html).toMatch(new RegExp(`<th scope="row">${yesterday}</th><td[^>]*>2</td><td[^>]*>1,234</td>`)); // pending, active
    const gap = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${dayOf(10)}T00:00:00Z`));
    expect(html).toMatch(new RegExp(`<th scope="row">${gap}</th><td[^>]*>–</td>`));
  });

  it("speaks Ukrainian to an editor whose browser asks for it: headings, cards, charts, tables and dates", async () => {
    await Db.Stats.putSnapshot(snapshot(1, 1234, 25_000));
    const cookie = await dashboardCookie("editor");
    const page = await request("/editor", { headers: { cookie: `tidings_editor=${cookie}`, "accept-language": "uk-UA,uk;q=0.9,en;q=0.5" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-language")).toBe("uk");
    const html = await page.text();
    expect(html).toContain('<html lang="uk">');
    for (const text of ["<h1>Огляд</h1>", "Активні підписники", "Надсилаються зараз", "Вийти", ">Дайджести</a>"]) expect(html).toContain(text);
    // Each chart named, described and tabled in Ukrainian, its statuses too.
    expect(html).toMatch(/<title id="subscribers-90-title">Підписники за статусом, останні 90 днів<\/title>/);
    expect(html).toMatch(/<desc id="subscribers-90-desc">Лінійний графік, 5 рядів даних, від /);
    expect(html).toContain('<th scope="col">Активні</th>');
    const yesterday = new Intl.DateTimeFormat("uk", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${dayOf(1)}T00:00:00Z`));
    expect(html).toContain(`<th scope="row">${yesterday}</th>`);
    expect(html).not.toContain("Active subscribers");
    expect(html).not.toContain("Subscribers by status");
  });

  it("sends a browser without an editor's session to sign in", async () => {
    expect((await dashboardGet("not-a-session", "/editor")).status).toBe(303);
  });
});
