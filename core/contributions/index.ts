/**
 * Contributions ("other ways to support"): anyone gives a one-time amount through Stripe Checkout in payment mode,
 * recorded once per Checkout session, thanked once, marked with its refunds and disputes as Stripe has them, and
 * counted in the month's one-time revenue apart from memberships.
 *
 * ```ts
 * const { url } = await Contributions.checkout({ amount: 1000, coverFee: true }, { ip });
 * await Contributions.recordSession(session);        // checkout.session.completed / async_payment_succeeded
 * await Contributions.markCharge(sessionId, chargeId); // charge.refunded, charge.dispute.*
 * ```
 */
import * as Config from "../config";
import * as Db from "../db";
import * as Topics from "../topics";
import type { Funding, Topic } from "../topics/types";

export { checkout, typedAmount, type CheckoutInput } from "./checkout";
export { isContributionSession, recordSession, type RecordOutcome } from "./record";
export { contributionOfPaymentIntent, markCharge, markPaymentIntent } from "./mark";
export { contributionStats } from "./stats";
export { contributionStatuses, list, statusOf, type ContributionStatus, type ListedContribution } from "./list";
export { THANKS_CLAIMS } from "./thanks";
export type { Contribution, MonthTotals } from "./types";

export const bySubscriber = Db.Contributions.bySubscriber;

/**
 * The topics a contribution may go towards (the open ones), for the support page, with their titles in every language;
 * with its funding if it has a goal.
 */
export async function openTopics(): Promise<Array<Pick<Topic, "id" | "title" | "translations"> & { funding?: Funding }>> {
  const topics = await Db.Topics.byStatus(["open"]);
  return Promise.all(
    topics.map(async ({ id, title, translations, ...topic }) => ({
      id,
      title,
      ...(translations && { translations }),
      ...(topic.fundingGoal !== undefined && { funding: await Topics.fundingOf({ id, ...topic }) }),
    })),
  );
}
export const anonymize = Db.Contributions.anonymize;

/** What the support page offers: the presets, the bounds, the currency, and whether covering the fee is offered. */
export function offer() {
  const config = Config.get();
  const fee = config.CONTRIBUTION_FEE;
  return {
    amounts: config.CONTRIBUTION_AMOUNTS,
    min: config.CONTRIBUTION_MIN,
    max: config.CONTRIBUTION_MAX,
    currency: config.CONTRIBUTION_CURRENCY,
    fee: fee.percent > 0 || fee.fixed > 0 ? fee : undefined,
  };
}
