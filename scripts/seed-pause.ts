/**
 * Demo data for `npm start`: a patron who paused their membership for a few weeks, so the dashboard lists a paused
 * patron apart (`/editor/subscribers?patrons=paused`) and their record shows when it resumes. Written as the webhook
 * writes a patron (`Db.Patrons.save`). Their subscription is not at the local Stripe stand-in: "Resume now" from
 * their account finds it gone and ends the membership, as it would for any subscription deleted at Stripe.
 * Idempotent.
 */
import * as Config from "../core/config";
import * as Db from "../core/db";
import { demoReader } from "./seed-reader";

const DAY = 86_400_000;
const EMAIL = "nia@example.com";

/** Seeds the paused patron; returns a line worth printing. */
export async function seedPause(now: Date): Promise<string> {
  const tier = Config.get().TIERS[0];
  if (!tier) return "no tiers configured: no paused patron seeded";
  const joined = new Date(now.getTime() - 120 * DAY).toISOString();
  const id = await demoReader({ id: `sub_demopause${"0".repeat(13)}`, email: EMAIL, name: "Nia", joinedAt: joined });
  const pausedUntil = new Date(now.getTime() + 24 * DAY).toISOString();
  if (!(await Db.Patrons.get(id))) {
    await Db.Patrons.save({
      subscriberId: id,
      status: "paused",
      tierId: tier.id,
      stripeCustomerId: "cus_demopause",
      stripeCustomerIds: ["cus_demopause"],
      stripeSubscriptionId: "sub_demopause",
      stripePriceId: tier.priceId,
      subscriptionStatus: "active",
      currentPeriodStart: new Date(now.getTime() - 6 * DAY).toISOString(),
      currentPeriodEnd: new Date(now.getTime() + 24 * DAY).toISOString(),
      cancelAtPeriodEnd: false,
      pausedUntil,
      createdAt: joined,
      updatedAt: now.toISOString(),
      version: 1,
    });
  }
  return `${EMAIL} paused their membership for a month: the dashboard's paused patrons (/editor/subscribers?patrons=paused)`;
}
