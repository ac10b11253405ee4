/**
 * Reconciliation in tests: cycles run invocation after invocation to their end, the checkpoint forgotten between
 * tests, patrons seeded as their webhooks would have left them, and the DynamoDB requests of a run counted.
 */
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as keys from "../../core/db/keys";
import { derive, type Patron } from "../../core/patrons";
import { membershipOf } from "../../core/patrons/memberships";
import { reconcile, type ReconcileReport } from "../../core/patrons/reconcile";
import type Stripe from "stripe";

/**
 * Runs invocations until the cycle is done (each working until `deadline()` when given, so a tiny one makes each
 * do one page) and answers their reports.
 */
export async function untilDone(options: { now?: Date; deadline?: () => number; most?: number } = {}): Promise<ReconcileReport[]> {
  const reports: ReconcileReport[] = [];
  while (reports.length < (options.most ?? 10_000)) {
    const report = await reconcile({ now: options.now, deadline: options.deadline?.() });
    reports.push(report);
    if (report.done) return reports;
  }
  throw new Error(`reconciliation not done after ${reports.length} invocations`);
}

/** Forgets the checkpoint, so the next invocation starts a cycle at once (tests sharing one table). */
export async function forgetCycle(): Promise<void> {
  await Db.db().send(new DeleteCommand({ TableName: Db.tableName(), Key: keys.reconciliation.key() }));
}

/** The patron a subscription makes, as its webhooks leave it (no email owed any more). */
export function patronOf(subscription: Stripe.Subscription, subscriberId: string, now = new Date()): Patron {
  const membership = membershipOf(subscription);
  if (!membership) throw new Error(`${subscription.id} is at no tier's price`);
  const { notice, ...patron } = derive(undefined, membership, subscriberId, now, Config.get().GRACE_DAYS)!;
  return { ...patron, version: 1 };
}

/** The DynamoDB requests the app sends from now on, by operation (`GetItem`, `BatchWriteItem`, ...), until `stop()`. */
export function countDynamoDb(): { readonly counts: Record<string, number>; stop(): void } {
  const counts: Record<string, number> = {};
  const name = `count-${Math.random().toString(36).slice(2)}`;
  const stack = Db.db().middlewareStack;
  stack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? "unknown").replace(/Command$/, "");
      counts[operation] = (counts[operation] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name },
  );
  return { counts, stop: () => void stack.remove(name) };
}
