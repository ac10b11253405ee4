/**
 * The reminder before a grace period ends (run by the lifecycle schedule, hourly): one email per debt, to each
 * patron in `grace` whose `graceUntil` is within GRACE_REMINDER_DAYS and still ahead, with the card-update link and
 * the date benefits end. It reads only the `grace` patrons (their status partition of the index: small, never the
 * table), a page at a time.
 *
 * Sent once per debt (`emailOnce`, claimed by subscriber and when the debt began, kept 30 days: longer than any
 * grace), so every run of the hour, a run beside another, a re-sync and a grace → active → grace within the debt
 * send it once. Right before sending, the patron is read again: a debt paid meanwhile (active), a lapse, or another
 * debt sends nothing. Not to a bounced, complained or erased subscriber.
 */
import * as Config from "../config";
import * as Db from "../db";
import { log } from "../log";
import * as Transactional from "../transactional";
import type { Subscriber } from "../subscribers/types";
import type * as Email from "../email";
import { billingUpdateUrl } from "./billing-url";
import { dateInWords, debtClaim, debtOf, emailOnce, patronEmailData } from "./notify";
import type { Patron } from "./types";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Patrons read per page of the `grace` partition. */
const PAGE = 100;

/** Whether `patron` is due a reminder at `now`: in grace, ending within `days` and not yet ended, with a customer. */
export function dueForReminder(patron: Patron, now: Date, days: number): boolean {
  if (patron.status !== "grace" || !patron.graceUntil || !patron.stripeCustomerId || !debtOf(patron)) return false;
  const ends = Date.parse(patron.graceUntil);
  return ends > now.getTime() && ends - now.getTime() <= days * DAY_MS;
}

/** Sends the reminders due at `now`; answers the subscribers reminded by this run. */
export async function remindGrace(now = new Date()): Promise<{ reminded: string[] }> {
  const days = Config.get().GRACE_REMINDER_DAYS;
  const reminded: string[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await Db.Patrons.pageByStatus("grace", { cursor, limit: PAGE });
    cursor = page.cursor;
    for (const { patron } of page.patrons) {
      if (!dueForReminder(patron, now, days)) continue;
      try {
        if (await remind(patron.subscriberId, now)) reminded.push(patron.subscriberId);
      } catch (error) {
        // One patron's failure (SES refusing, say) must not stop the others: the next run tries them again.
        log.error({ err: error, event: "patron.reminder_failed", subscriberId: patron.subscriberId }, "grace reminder not sent");
      }
    }
  } while (cursor);
  if (reminded.length > 0) log.info({ event: "patron.reminders", count: reminded.length }, "grace reminders sent");
  return { reminded };
}

/** One patron's reminder, once per debt: true when sent by this call. */
async function remind(subscriberId: string, now: Date): Promise<boolean> {
  const listed = await Db.Patrons.get(subscriberId);
  if (!listed || !dueForReminder(listed, now, Config.get().GRACE_REMINDER_DAYS)) return false;
  const claim = debtClaim(subscriberId, debtOf(listed)!, "grace_reminder");
  let sent = false;
  const outcome = await emailOnce(
    subscriberId,
    claim,
    async () => {
      // Read again under the claim: paid, lapsed or another debt meanwhile sends nothing, and the claim is given back
      // ("not_due"): should this debt be in grace again (grace → active → grace), a later run reminds then.
      const patron = await Db.Patrons.get(subscriberId);
      if (!patron || !dueForReminder(patron, now, Config.get().GRACE_REMINDER_DAYS) || debtOf(patron) !== debtOf(listed)) return "not_due";
      const subscriber = await Db.Subscribers.get(subscriberId);
      if (!subscriber || subscriber.status === "bounced" || subscriber.status === "complained") return;
      const message = await reminderMessage(patron, subscriber, now);
      if (!message) return;
      await Transactional.sendNow(message);
      log.info({ event: "patron.email", subscriberId, kind: "grace_reminder" }, "grace reminder sent");
      sent = true;
    },
    now,
  );
  return outcome === "sent" && sent;
}

/**
 * The grace reminder for `patron` as it is sent (undefined: a tier no longer configured, or no customer to link).
 * Data in, message out: the deliverability check scores it.
 */
export async function reminderMessage(patron: Patron, subscriber: Subscriber, now = new Date()): Promise<Email.Message | undefined> {
  const base = await patronEmailData(patron, subscriber);
  if (!base || !patron.stripeCustomerId || !patron.graceUntil) return undefined;
  const { Templates, language, data } = base;
  const rendered = Templates.paymentReminder({
    ...data,
    billingUrl: billingUpdateUrl(patron.subscriberId, patron.stripeCustomerId, now),
    graceUntil: dateInWords(patron.graceUntil, language)!,
  });
  return { to: subscriber.email, ...rendered };
}
