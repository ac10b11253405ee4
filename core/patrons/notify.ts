/**
 * Patron emails, each sent once per change of status. The write that changes the status also records the email
 * it owes (`notice`, with that write's version); whoever holds the patron afterwards (the same request, or a
 * redelivery after a failure) sends it. Sending is claimed per notice under a lease (`Events.once`), kept for 30
 * days (`Events.keep`) only once the email went out, so duplicated and concurrent webhooks send one email:
 * - a failed send gives the claim back and fails the request, so Stripe's redelivery sends it;
 * - a crash between claiming and sending leaves only the lease, which expires, so a later attempt sends it;
 * - an attempt that meets a live, un-kept claim leaves the notice in place rather than take the email for sent:
 *   the holder clears it once sent; if the holder fails, its redelivery or any later write of the patron sends it
 *   (the nightly reconciliation syncs every patron still owed an email). It does not fail, so concurrent webhooks
 *   about one patron, and the expiry cron running beside one, all complete.
 * The payment-failed email is claimed per debt instead (`debtClaim`: the subscriber and when the debt began, which
 * never moves while it is unpaid), so grace → active → grace within one debt, or a notice made again by a re-sync,
 * sends it once, and a new debt after paying sends it again. The grace reminder and the expiring-card warning are
 * claimed the same way (`emailOnce`), by debt or by card; those claim ids are listed under the subscriber's
 * partition (`Db.BillingEmails`) for erasure, which cannot compose them.
 * They are sent here, inside the webhook, rather than through the transactional queue: the notice and the claim
 * already make them durable and sent once, and Stripe's redelivery is their retry. They are paced from the
 * transactional reserve, which digests leave free, and a moment of SES throttling is waited out before the
 * webhook fails (`Transactional.sendNow`).
 */
import { loadTemplates } from "../../templates/load";
import * as Config from "../config";
import * as Db from "../db";
import * as I18n from "../i18n";
import type * as Email from "../email";
import { log } from "../log";
import * as Transactional from "../transactional";
import type { Subscriber } from "../subscribers/types";
import { billingUpdateUrl } from "./billing-url";
import { priceInWords } from "./prices";
import { noticeFits } from "./rules";
import type { NoticeKind, Patron } from "./types";

/** How long a claim holds off other senders: longer than rendering and sending one email may take. */
export const CLAIM_LEASE_SECONDS = 120;
/** Claims of sent emails are kept long after any redelivery could come (Stripe retries for three days). */
const SENT_SECONDS = 30 * 24 * 60 * 60;

/** Where the claims of patron emails are kept (`Events.once`'s source). */
export const PATRON_EMAIL_CLAIMS = "patron-email";

/**
 * The claim id of one patron email: the notice's identity (subscriber, version, kind). It names the subscriber, so
 * erasure composes the same ids to delete them.
 */
export function patronEmailClaim(subscriberId: string, version: number, kind: NoticeKind): string {
  return `${subscriberId}:${version}:${kind}`;
}

/**
 * The claim id of an email about one debt (`kind`: `payment_failed`, `grace_reminder`): the subscriber and when the
 * debt began, so it is the same for every notice and every run while that debt stands.
 */
export function debtClaim(subscriberId: string, debtSince: string, kind: string): string {
  return `${subscriberId}:debt:${debtSince}:${kind}`;
}

/** When a patron's debt began: its first unpaid invoice, else the period it failed to pay (as grace counts it). */
export function debtOf(patron: Pick<Patron, "unpaidSince" | "currentPeriodStart">): string | undefined {
  return patron.unpaidSince ?? patron.currentPeriodStart;
}

/** Sends the email `patron` owes, if any (once per notice; a payment-failed one once per debt), then forgets it. */
export async function deliverNotice(patron: Patron, now = new Date()): Promise<void> {
  const notice = patron.notice;
  if (!notice) return;
  if (noticeFits(notice.kind, patron.status)) {
    const debt = notice.kind === "payment_failed" ? debtOf(patron) : undefined;
    const outcome = debt
      ? await emailOnce(patron.subscriberId, debtClaim(patron.subscriberId, debt, notice.kind), () => send(patron, now), now)
      : await emailOnce(patron.subscriberId, patronEmailClaim(patron.subscriberId, notice.version, notice.kind), () => send(patron, now), now, {
          listed: false, // erasure composes version claims itself
        });
    if (outcome === "in_flight") {
      log.info({ event: "patron.email_in_flight", subscriberId: patron.subscriberId, kind: notice.kind }, "patron email being sent elsewhere");
      return; // the notice stays until the email is sent
    }
  }
  await Db.Patrons.clearNotice(patron.subscriberId, notice.version);
}

/**
 * Runs `send` once for `claim` (see the header): `sent` now, `done` before (kept), or `in_flight` (claimed elsewhere
 * and not kept yet: the caller leaves what it owes for a later attempt). A failed send gives the claim back and
 * throws. A send that answers `"not_due"` sent nothing and owes nothing yet: the claim is given back (`skipped`), so
 * a later run may send it. `listed`: record the id under the subscriber's partition first, for erasure.
 */
export async function emailOnce(
  subscriberId: string,
  claim: string,
  send: () => Promise<unknown>,
  now = new Date(),
  options: { listed?: boolean } = {},
): Promise<"sent" | "done" | "in_flight" | "skipped"> {
  if (options.listed !== false) await Db.BillingEmails.remember(subscriberId, claim, now);
  if (!(await Db.Events.once(PATRON_EMAIL_CLAIMS, claim, CLAIM_LEASE_SECONDS, now))) {
    return (await Db.Events.processed(PATRON_EMAIL_CLAIMS, claim)) ? "done" : "in_flight";
  }
  let outcome: unknown;
  try {
    outcome = await send();
  } catch (error) {
    await Db.Events.release(PATRON_EMAIL_CLAIMS, claim).catch(() => undefined);
    throw error;
  }
  if (outcome === "not_due") {
    await Db.Events.release(PATRON_EMAIL_CLAIMS, claim);
    return "skipped";
  }
  // Sent: a failure to keep the claim is logged, not thrown (a retry after the lease would send it again).
  await Db.Events.keep(PATRON_EMAIL_CLAIMS, claim, SENT_SECONDS, now).catch((error) =>
    log.error({ err: error, event: "patron.email_unremembered", subscriberId }, "patron email sent but not remembered"),
  );
  return "sent";
}

async function send(patron: Patron, now: Date): Promise<void> {
  const subscriber = await Db.Subscribers.get(patron.subscriberId);
  // A bounced or complained address gets nothing more from us; an erased subscriber is gone.
  if (!subscriber || subscriber.status === "bounced" || subscriber.status === "complained") return;
  const message = await patronMessage(patron, subscriber, now);
  if (!message) return;
  await Transactional.sendNow(message);
  log.info({ event: "patron.email", subscriberId: patron.subscriberId, kind: patron.notice?.kind }, "patron email sent");
}

/**
 * What every email about a patron's membership says, in the subscriber's language: the outlet, their name, their
 * tier and what they pay (yearly or monthly), the account page. Undefined for a tier no longer configured. The
 * templates (and the catalogues) are loaded with it.
 */
export async function patronEmailData(patron: Patron, subscriber: Subscriber) {
  const config = Config.get();
  const tier = config.TIERS.find((t) => t.id === patron.tierId);
  if (!tier) return undefined;
  const Templates = await loadTemplates();
  const language = Config.readerLanguage(subscriber.language);
  const data = {
    language,
    outletName: config.OUTLET_NAME,
    postalAddress: config.POSTAL_ADDRESS,
    name: subscriber.name,
    tierName: Config.tierName(tier, language),
    price: priceInWords(Config.priceOfTier(tier, patron.stripePriceId), language),
    accountUrl: `${config.PUBLIC_URL}/account`,
  };
  return { Templates, tier, language, data };
}

/** The email a patron's notice owes, as it is sent (undefined: none, or a tier no longer configured). */
export async function patronMessage(patron: Patron, subscriber: Subscriber, now = new Date()): Promise<Email.Message | undefined> {
  const base = patron.notice && (await patronEmailData(patron, subscriber));
  if (!base || !patron.notice) return undefined;
  const { Templates, language, data } = base;
  const rendered =
    patron.notice.kind === "welcome"
      ? Templates.patronWelcome({
          ...data,
          ...(patron.status === "comped"
            ? { compedUntil: dateInWords(patron.compedUntil, language) }
            : { renewsOn: patron.cancelAtPeriodEnd ? undefined : dateInWords(patron.currentPeriodEnd, language) }),
        })
      : patron.notice.kind === "payment_failed"
        ? Templates.paymentFailed({
            ...data,
            graceUntil: dateInWords(patron.graceUntil, language),
            // The card-update link opens the portal on the customer that failed to pay (none: the account page's).
            billingUrl: patron.stripeCustomerId ? billingUpdateUrl(patron.subscriberId, patron.stripeCustomerId, now) : undefined,
          })
        : patron.notice.kind === "paused"
          ? Templates.patronPaused({ ...data, pausedUntil: dateInWords(patron.pausedUntil, language) ?? "" })
          : Templates.patronLapsed(data);
  return { to: subscriber.email, ...rendered };
}

/**
 * A day as `language` writes it ("31 December 2026", "31 грудня 2026 р."; UTC), or undefined. English by default.
 * The catalogues must be loaded (the templates load them).
 */
export function dateInWords(iso: string | undefined, language?: string): string | undefined {
  if (!iso) return undefined;
  return I18n.translator(language).date(iso, { dateStyle: "long", timeZone: "UTC" });
}
