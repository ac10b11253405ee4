/**
 * Demo data for `npm start`: readers who signed up in the past weeks from a digest's link, an article, the home
 * page, `/join` and a welcome-series email (most of them confirmed), and two contributions given from an article and
 * a digest, so the dashboard's retention page shows conversions by source. Written as the sign-up, the confirmation
 * and the contribution write them (`Db.Subscribers.save`, `Db.Contributions.record`: the counters by source in the
 * same transactions). Idempotent: an address or a contribution that exists is left alone.
 */
import * as Config from "../core/config";
import * as Db from "../core/db";
import { currentPeriod } from "../core/digests/period";
import type { Subscriber } from "../core/subscribers";

const DAY = 86_400_000;

/** Each reader: where from, how many days ago they signed up, and (if they did) how much later they confirmed. */
function readers(now: Date): Array<{ email: string; source: string; daysAgo: number; confirmedAfterHours?: number }> {
  const digest = `digest:weekly-${currentPeriod("weekly", new Date(now.getTime() - 7 * DAY))}`;
  return [
    { email: "lena@example.com", source: digest, daysAgo: 6, confirmedAfterHours: 1 },
    { email: "marco@example.com", source: digest, daysAgo: 6, confirmedAfterHours: 3 },
    { email: "nadia@example.com", source: digest, daysAgo: 5, confirmedAfterHours: 20 },
    { email: "olek@example.com", source: digest, daysAgo: 4 },
    { email: "petra@example.com", source: "article:rent-cap-vote", daysAgo: 9, confirmedAfterHours: 2 },
    { email: "quinn@example.com", source: "article:rent-cap-vote", daysAgo: 3 },
    { email: "rosa@example.com", source: "article:heatwave-hospitals", daysAgo: 12, confirmedAfterHours: 1 },
    { email: "sami@example.com", source: "page:/", daysAgo: 2, confirmedAfterHours: 5 },
    { email: "tomas@example.com", source: "page:/join", daysAgo: 8, confirmedAfterHours: 1 },
    { email: "uliana@example.com", source: "email:welcome-series", daysAgo: 1 },
  ];
}

/** Seeds the readers and contributions by source; returns a line worth printing. */
export async function seedSources(now: Date): Promise<string> {
  const list = readers(now);
  for (const [index, demo] of list.entries()) {
    if (await Db.Subscribers.getByEmail(demo.email)) continue;
    const requested = new Date(now.getTime() - demo.daysAgo * DAY);
    const at = requested.toISOString();
    const consent = { requestedAt: at, source: "form", textVersion: "seed", attribution: demo.source };
    const optIn = { id: `demosrc${index}`, requestedAt: at, topics: [], frequency: "weekly" as const, consent };
    const pending: Subscriber = {
      id: `sub_demosource${String(index).padStart(16, "0")}`,
      email: demo.email,
      status: "pending",
      topics: [],
      frequency: "weekly",
      createdAt: at,
      updatedAt: at,
      optIn,
      confirmationsSentAt: [at],
      version: 1,
      expiresAt: Math.floor(requested.getTime() / 1000) + 7 * 24 * 60 * 60,
    };
    await Db.Subscribers.save(pending);
    if (demo.confirmedAfterHours === undefined) continue;
    const confirmedAt = new Date(Math.min(now.getTime(), requested.getTime() + demo.confirmedAfterHours * 3_600_000)).toISOString();
    const { optIn: _confirmed, expiresAt: _expires, ...rest } = pending;
    await Db.Subscribers.save(
      { ...rest, status: "active", confirmedAt, updatedAt: confirmedAt, consent: { ...consent, confirmedAt, optInId: optIn.id }, version: 2 },
      pending,
    );
  }
  const currency = Config.get().CONTRIBUTION_CURRENCY;
  const given = [
    { id: "cs_demo_source_article", source: "article:heatwave-hospitals", amount: 2000, daysAgo: 10 },
    { id: "cs_demo_source_digest", source: list[0]!.source, amount: 1000, daysAgo: 5 },
  ];
  for (const contribution of given) {
    const at = new Date(now.getTime() - contribution.daysAgo * DAY).toISOString();
    // Recorded once: a second seed finds the session recorded and writes nothing.
    await Db.Contributions.record({
      id: contribution.id,
      amount: contribution.amount,
      currency,
      feeCovered: 0,
      source: contribution.source,
      month: at.slice(0, 7),
      amountRefunded: 0,
      createdAt: at,
      updatedAt: at,
      version: 1,
    });
  }
  return `${list.length} readers signed up from a digest, articles, pages and an email: the dashboard's retention page counts them by source`;
}
