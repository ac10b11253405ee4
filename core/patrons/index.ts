/**
 * Patrons: subscribers who hold a membership, paid through Stripe or granted by an editor (see `product.md` →
 * Memberships). Their state follows Stripe's API, whatever order Stripe's webhooks come in (`sync.ts`), under
 * the rules of `rules.ts`; each change of status owes one email (`notify.ts`).
 */
export { checkout, CHECKOUTS, portal, type CheckoutInput } from "./checkout";
export { comp, type CompInput } from "./comp";
export { expire, type ExpiryReport } from "./expire";
export { reconcile, type ReconcileReport } from "./reconcile";
export { receive, handlers, type Outcome } from "./webhooks";
export { syncCustomer, syncPatron, type SyncResult } from "./sync";
export { recordCharge, type ChargeOutcome, type ChargeRecord } from "./charges";
export { syncEmail, type EmailSyncOutcome } from "./email-change";
export { checkEmailChange, confirmEmailChange, type EmailChangeLink } from "./email-confirm";
export { patronMessage, priceInWords } from "./notify";
export { readsAsPatron, paidStatus, choose, derive } from "./rules";
export * from "./types";

import * as Config from "../config";
import * as Db from "../db";

export const get = Db.Patrons.get;

/** The tiers, as the public sees them (no Stripe price ids). */
export function tiers() {
  return Config.get().TIERS.map(({ id, name, amount, currency, interval, voteWeight }) => ({
    id,
    name,
    amount,
    currency,
    interval,
    voteWeight,
  }));
}
