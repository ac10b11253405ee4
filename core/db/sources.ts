/**
 * Conversions by source (attribution), counted per UTC day on counter items `SOURCES#<yyyy-mm>` /
 * `<yyyy-mm-dd>#<source>#<shard>` (pattern 50 in README.md): sign-ups, confirmations, new patrons, and contributions
 * by currency (amount, count, refunded). A counter is only ever changed inside the transaction of the write that
 * makes the conversion (a subscriber's, a patron's, a contribution's), so it moves with that write or not at all;
 * which writes count is core/stats/attributed.ts's rule. Read by months, never by a scan.
 */
import { randomInt } from "node:crypto";
import type { Contribution } from "../contributions/types";
import type { Patron } from "../patrons/types";
import { confirmationAttributed, patronAttributed, signupAttributed, type Attributed } from "../stats/attributed";
import type { Subscriber } from "../subscribers/types";
import { tableName } from "./client";
import * as keys from "./keys";
import { queryAll } from "./query";
import type { TransactItem } from "./stats";

/** What one write adds to a source's day. */
export interface SourceAdd {
  signups?: number;
  confirmations?: number;
  patrons?: number;
  /** A contribution's amount (minor units), count and refunded amount in its currency. */
  contribution?: { currency: string; amount?: number; count?: number; refunded?: number };
}

/** One counter item as read: a source's counts on one day (one shard of them). */
export interface SourceDay {
  date: string;
  source: string;
  signups: number;
  confirmations: number;
  patrons: number;
  contributions: Record<string, { amount: number; count: number; refunded: number }>;
}

const CURRENCY = /^[a-z]{3}$/;

/** The transaction item adding `add` to a random shard of `source`'s counter on `date`; none when nothing counts. */
export function sourceUpdate(at: Attributed, add: SourceAdd): TransactItem[] {
  const { contribution, ...counts } = add;
  const changes: Array<[string, number]> = Object.entries(counts).filter(([, n]) => n);
  if (contribution && CURRENCY.test(contribution.currency)) {
    for (const name of ["amount", "count", "refunded"] as const) {
      if (contribution[name]) changes.push([`${name}_${contribution.currency}`, contribution[name]!]);
    }
  }
  if (changes.length === 0) return [];
  const names: Record<string, string> = { "#date": "date", "#source": "source" };
  const values: Record<string, unknown> = { ":entity": "source-counter", ":date": at.date, ":source": at.source };
  const additions = changes.map(([name, amount], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = amount;
    return `#c${i} :c${i}`;
  });
  return [
    {
      Update: {
        TableName: tableName(),
        Key: keys.sourceCounter.key(at.date, at.source, randomInt(keys.SOURCE_SHARDS)),
        UpdateExpression: `ADD ${additions.join(", ")} SET entity = :entity, #date = :date, #source = :source`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  ];
}

/** A subscriber's write: a sign-up or a confirmation it makes, counted by the opt-in's or consent's source. */
export function subscriberSourceTally(previous: Subscriber | undefined, next: Subscriber): TransactItem[] {
  const signup = signupAttributed(previous, next);
  const confirmed = confirmationAttributed(previous, next);
  return [...(signup ? sourceUpdate(signup, { signups: 1 }) : []), ...(confirmed ? sourceUpdate(confirmed, { confirmations: 1 }) : [])];
}

/** A patron's write (in `Db.Patrons.save`'s transaction): +1 new patron the first time they pay, by their source. */
export function patronSourceTally(previous: Patron | undefined, next: Patron): TransactItem[] {
  const attributed = patronAttributed(previous, next);
  return attributed ? sourceUpdate(attributed, { patrons: 1 }) : [];
}

/**
 * A contribution's recording (amount and count) or marking (`refunded` by the difference), on the day it was
 * recorded, so a refund comes off the day the contribution counted on.
 */
export function contributionSourceTally(contribution: Contribution, add: NonNullable<SourceAdd["contribution"]>): TransactItem[] {
  if (!contribution.source) return [];
  return sourceUpdate({ source: contribution.source, date: contribution.createdAt.slice(0, 10) }, { contribution: add });
}

/**
 * "Every source's counts on each day from one date to another": one Query per month of the range (`sk BETWEEN`),
 * strongly consistent; a year is 13 queries of a few items a day. Shards come back as items of their own.
 */
export async function daysBetween(from: string, to: string): Promise<SourceDay[]> {
  const found: SourceDay[] = [];
  for (const month of monthsOf(from, to)) {
    const items = queryAll({
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: { ":pk": keys.sourceCounter.partition(month), ":from": from, ":to": `${to}#~` },
      ConsistentRead: true,
    });
    for await (const item of items) found.push(dayOf(item));
  }
  return found;
}

function dayOf(item: Record<string, any>): SourceDay {
  const contributions: SourceDay["contributions"] = {};
  for (const [name, value] of Object.entries(item)) {
    const match = /^(amount|count|refunded)_([a-z]{3})$/.exec(name);
    if (!match) continue;
    const totals = (contributions[match[2]!] ??= { amount: 0, count: 0, refunded: 0 });
    totals[match[1] as "amount" | "count" | "refunded"] += Number(value);
  }
  return {
    date: item.date,
    source: item.source,
    signups: Number(item.signups ?? 0),
    confirmations: Number(item.confirmations ?? 0),
    patrons: Number(item.patrons ?? 0),
    contributions,
  };
}

/** The months (`yyyy-mm`) from `from`'s to `to`'s, both days `yyyy-mm-dd`. */
function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.slice(0, 7).split("-").map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const current = `${year}-${String(month).padStart(2, "0")}`;
    if (current > last) return months;
    months.push(current);
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
}
