/**
 * Demo data for `npm start`: a reader whose paid membership lapsed `WINBACK_DAYS` ago, so the lifecycle schedule
 * (every 15 s under npm start) sends their win-back within moments and the mail viewer shows it. Written as the
 * webhook writes a lapsed patron (`Db.Patrons.save`); their subscription is not at the local Stripe stand-in (it
 * ended). Idempotent: seeded again, the patron is left as it is, so the email is not sent twice.
 */
import * as Config from "../core/config";
import * as Db from "../core/db";
import { demoReader } from "./seed-reader";

const DAY = 86_400_000;
const EMAIL = "max@example.com";

/** Seeds the lapsed patron; returns a line worth printing. */
export async function seedWinBack(now: Date): Promise<string> {
  const { TIERS, WINBACK_DAYS } = Config.get();
  const tier = TIERS[0];
  if (!tier) return "no tiers configured: no lapsed patron seeded";
  const joined = new Date(now.getTime() - (WINBACK_DAYS + 200) * DAY).toISOString();
  const id = await demoReader({ id: `sub_demowinback${"0".repeat(11)}`, email: EMAIL, name: "Max", joinedAt: joined });
  if (!(await Db.Patrons.get(id))) {
    const lapsedAt = new Date(now.getTime() - WINBACK_DAYS * DAY - 60_000).toISOString();
    await Db.Patrons.save({
      subscriberId: id,
      status: "lapsed",
      tierId: tier.id,
      stripeCustomerId: "cus_demowinback",
      stripeCustomerIds: ["cus_demowinback"],
      stripeSubscriptionId: "sub_demowinback",
      stripePriceId: Config.currentPrices(tier)[0]?.id,
      subscriptionStatus: "canceled",
      currentPeriodStart: new Date(now.getTime() - (WINBACK_DAYS + 30) * DAY).toISOString(),
      currentPeriodEnd: lapsedAt,
      cancelAtPeriodEnd: false,
      lapsedAt,
      createdAt: joined,
      updatedAt: lapsedAt,
      version: 1,
    });
  }
  return `${EMAIL}'s membership lapsed ${WINBACK_DAYS} days ago: their win-back email reaches the mail viewer within moments`;
}
