/**
 * The gifts' schedule (hourly): every `paid` gift whose delivery date has come gets its redeem email, and every
 * redeemed gift ending within a week gets its recipient's invitation to continue as a paying patron (unless their
 * comp goes on past it: a later gift, or an editor's comp, invites when it ends). Each email is
 * sent once: claimed by the gift's id under a lease (`Events.once`), kept once sent, given back if sending fails (the
 * next run sends it), as patron emails are; then the gift moves on (`delivered`, or `invitedAt` set), which takes it
 * out of the index the schedule reads. Due gifts are read from indexes (status and date; end), never a scan.
 */
import { loadTemplates } from "../../templates/load";
import * as Config from "../config";
import * as Db from "../db";
import * as I18n from "../i18n";
import { log } from "../log";
import { CLAIM_LEASE_SECONDS } from "../patrons/notify";
import * as Tokens from "../tokens";
import * as Transactional from "../transactional";
import { recipientLanguage } from "./language";
import { ERASED_ADDRESS, INVITE_BEFORE_DAYS, type Gift } from "./types";

export const DELIVERY_CLAIMS = "gift-delivery";
export const INVITATION_CLAIMS = "gift-invitation";
const SENT_SECONDS = 400 * 24 * 60 * 60;

export interface GiftRunReport {
  delivered: string[];
  invited: string[];
}

export async function runSchedule(now = new Date()): Promise<GiftRunReport> {
  const report: GiftRunReport = { delivered: [], invited: [] };
  for await (const gift of Db.Gifts.due(now.toISOString().slice(0, 10))) {
    if (await deliverOnce(gift, now)) report.delivered.push(gift.id);
  }
  const soon = new Date(now.getTime() + INVITE_BEFORE_DAYS * 86_400_000).toISOString();
  for await (const gift of Db.Gifts.endingBy(soon)) {
    if (await inviteOnce(gift, now)) report.invited.push(gift.id);
  }
  // A run that sent nothing says so only at debug: npm start runs the schedule every few seconds.
  const sent = report.delivered.length + report.invited.length > 0;
  log[sent ? "info" : "debug"]({ event: "gifts.schedule", delivered: report.delivered.length, invited: report.invited.length }, "gifts' schedule ran");
  return report;
}

/** The link a recipient redeems their gift from. */
export const redeemUrl = (giftId: string, now = new Date()) =>
  `${Config.get().PUBLIC_URL}/gift?token=${encodeURIComponent(Tokens.sign("gift", giftId, now))}`;

async function deliverOnce(gift: Gift, now: Date): Promise<boolean> {
  return sendOnce(DELIVERY_CLAIMS, gift, now, async (current) => {
    // Voided (refunded, or its recipient erased) or delivered since it was read; never to an erased address.
    if (current.status !== "paid" || current.recipientEmail === ERASED_ADDRESS) return undefined;
    const config = Config.get();
    const tier = config.TIERS.find((t) => t.id === current.tierId);
    const language = await recipientLanguage(current);
    const Templates = await loadTemplates(); // the catalogues too
    await Transactional.sendNow({
      to: current.recipientEmail,
      ...Templates.giftRedeem({
        language,
        outletName: config.OUTLET_NAME,
        postalAddress: config.POSTAL_ADDRESS,
        name: current.recipientName,
        tierName: tier ? Config.tierName(tier, language) : current.tierId,
        months: I18n.translator(language).t("gifts.months", { count: current.months }),
        message: current.message,
        redeemUrl: redeemUrl(current.id, now),
      }),
    });
    const at = now.toISOString();
    return { ...current, status: "delivered", deliveredAt: at, updatedAt: at, version: current.version + 1 };
  });
}

async function inviteOnce(gift: Gift, now: Date): Promise<boolean> {
  return sendOnce(INVITATION_CLAIMS, gift, now, async (current) => {
    if (current.status !== "redeemed" || current.invitedAt || !current.endsAt) return undefined;
    const config = Config.get();
    const tier = config.TIERS.find((t) => t.id === current.tierId);
    const recipient = current.redeemedBy ? await Db.Subscribers.get(current.redeemedBy) : undefined;
    // Their membership goes on past this gift's end (a later gift of theirs, or an editor's comp, ends later): nothing
    // ends then, so nobody is invited; the gift moves on all the same, and the comp that ends last invites.
    const patron = current.redeemedBy ? await Db.Patrons.get(current.redeemedBy) : undefined;
    const goesOn = patron?.compedUntil !== undefined && patron.compedUntil > current.endsAt;
    // An erased recipient, or an address that bounced or complained, gets nothing more.
    if (recipient && !goesOn && recipient.status !== "bounced" && recipient.status !== "complained") {
      const language = recipient.language ?? current.language;
      const Templates = await loadTemplates(); // the catalogues too
      await Transactional.sendNow({
        to: recipient.email,
        ...Templates.giftInvitation({
          language,
          outletName: config.OUTLET_NAME,
          postalAddress: config.POSTAL_ADDRESS,
          name: recipient.name,
          tierName: tier ? Config.tierName(tier, language) : current.tierId,
          endsOn: I18n.translator(language).date(current.endsAt, { dateStyle: "long", timeZone: "UTC" }),
          joinUrl: `${config.PUBLIC_URL}/join?tier=${encodeURIComponent(current.tierId)}`,
        }),
      });
    }
    const at = now.toISOString();
    return { ...current, invitedAt: at, updatedAt: at, version: current.version + 1 };
  });
}

/**
 * Claims `kind` for the gift, reads it again, sends (the `send` callback answers the gift as it is to be stored, or
 * nothing when there is nothing to send), keeps the claim and stores the gift. False when claimed elsewhere or sent.
 */
async function sendOnce(kind: string, gift: Gift, now: Date, send: (current: Gift) => Promise<Gift | undefined>): Promise<boolean> {
  if (!(await Db.Events.once(kind, gift.id, CLAIM_LEASE_SECONDS, now))) return false;
  let next: Gift | undefined;
  let current: Gift | undefined;
  try {
    current = await Db.Gifts.get(gift.id);
    next = current && (await send(current));
  } catch (error) {
    await Db.Events.release(kind, gift.id).catch(() => undefined);
    log.error({ err: error, event: `${kind}.failed`, sessionId: gift.id }, "gift email not sent; the next run tries again");
    return false;
  }
  if (!next || !current) {
    await Db.Events.release(kind, gift.id).catch(() => undefined);
    return false;
  }
  await Db.Events.keep(kind, gift.id, SENT_SECONDS, now).catch((error) =>
    log.error({ err: error, event: `${kind}.unremembered`, sessionId: gift.id }, "gift email sent but not remembered"),
  );
  // Sent: the gift moves on. A concurrent void or redeem may have changed it meanwhile; then it is read again.
  for (let attempt = 0; attempt < 5 && current; attempt++) {
    if (await Db.Gifts.transition(next, current)) break;
    current = await Db.Gifts.get(gift.id);
    if (!current) break;
    next = kind === DELIVERY_CLAIMS
      ? current.status === "paid" ? { ...current, status: "delivered", deliveredAt: next.deliveredAt, updatedAt: next.updatedAt, version: current.version + 1 } : { ...current, deliveredAt: next.deliveredAt, version: current.version + 1 }
      : { ...current, invitedAt: next.invitedAt, updatedAt: next.updatedAt, version: current.version + 1 };
  }
  log.info({ event: `${kind}.sent`, sessionId: gift.id }, kind === DELIVERY_CLAIMS ? "gift redeem link sent" : "gift recipient invited to continue");
  return true;
}
