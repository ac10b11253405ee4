/**
 * Patrons: subscribers who hold a membership, paid through Stripe or granted by an editor (see `product.md` →
 * Memberships). Their state follows Stripe's API, whatever order Stripe's webhooks come in (`sync.ts`), under
 * the rules of `rules.ts`; each change of status owes one email (`notify.ts`).
 */
export { checkout, CHECKOUTS, portal, type CheckoutInput } from "./checkout";
export { comp, compSubscriber, type CompInput } from "./comp";
export { comped, type CompedPatron } from "./comped";
export { expire, type ExpiryReport } from "./expire";
export { reconcile, type ReconcileReport } from "./reconcile";
export { receive, handlers, type Outcome } from "./webhooks";
export { syncCustomer, syncPatron, type SyncResult } from "./sync";
export { recordCharge, type ChargeOutcome, type ChargeRecord } from "./charges";
export { syncEmail, type EmailSyncOutcome } from "./email-change";
export { checkEmailChange, confirmEmailChange, type EmailChangeLink } from "./email-confirm";
export { patronMessage } from "./notify";
export { choosePrice, priceInWords, yearlySaving, type PriceChoice } from "./prices";
export { isWinBackCode } from "./promotion";
export { readsAsPatron, paidStatus, choose, derive } from "./rules";
export * from "./types";

import * as Config from "../config";
import * as Db from "../db";

export const get = Db.Patrons.get;

/**
 * The tiers, as the public sees them (no Stripe price ids): the first current price, as before several prices, and
 * every current price to choose from by interval and currency; a trial's length where there is one.
 */
export function tiers() {
  return Config.get().TIERS.map((tier) => ({
    id: tier.id,
    name: tier.name,
    amount: tier.amount,
    currency: tier.currency,
    interval: tier.interval,
    voteWeight: tier.voteWeight,
    prices: Config.currentPrices(tier).map(({ amount, currency, interval }) => ({ amount, currency, interval })),
    ...(tier.trialDays !== undefined && { trialDays: tier.trialDays }),
  }));
}
