/**
 * Redeeming a gift from its link (`GET /gift?token=` shows it, `POST /gift` redeems): once. The recipient is the
 * subscriber with the gift's address, or one made for it; they become a `comped` patron of the gift's tier until
 * now + its months, through the same code path an editor's comp takes (`Patrons.compSubscriber`: status, votes,
 * welcome email). A recipient made here did not ask for the newsletter: they are recorded `unsubscribed` (on
 * record, sent no digests), and only if they tick the page's box are they signed up, through double opt-in as
 * anyone. A void gift can't be redeemed; a redeemed one says so.
 */
import { ulid } from "ulid";
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { log } from "../log";
import { compSubscriber } from "../patrons/comp";
import { signup } from "../subscribers/signup";
import { pageSource } from "../stats/attribution";
import type { Subscriber } from "../subscribers/types";
import * as Tokens from "../tokens";
import { ERASED_REASON, type Gift } from "./types";

export interface GiftView {
  gift: Gift;
  tierName: string;
}

/** The gift a redeem link names (400 for a link that is not a gift's, or a gift that is gone). */
export async function fromToken(token: string, now = new Date()): Promise<GiftView> {
  const { subject } = Tokens.verify(token, "gift", now);
  const gift = await Db.Gifts.get(subject);
  if (!gift) throw new VisibleError("invalid", "invalid_token", "This gift link is not valid.");
  return { gift, tierName: Config.nameOfTier(Config.get().TIERS, gift.tierId) };
}

/** Why a void gift can't be redeemed: its payment refunded or disputed, or (its recipient erased) no reason given. */
export const voidError = (gift?: Pick<Gift, "voidReason">) =>
  new VisibleError(
    "invalid",
    "gift_void",
    gift?.voidReason === ERASED_REASON
      ? "This gift can no longer be redeemed."
      : "This gift can no longer be redeemed: its payment was refunded or disputed.",
  );

/** N calendar months after `from` (UTC), the day clamped to the month's last (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(from: Date, months: number): Date {
  const target = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + months, 1, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds()));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(from.getUTCDate(), last));
  return target;
}

export type RedeemOutcome = { outcome: "redeemed" | "already_redeemed"; gift: Gift };

export async function redeem(
  token: string,
  /** `language`: the redeem page's, kept as the language of a recipient made here (and of their sign-up). */
  options: { subscribe?: boolean; context: { ip: string; userAgent?: string }; language?: string },
  now = new Date(),
): Promise<RedeemOutcome> {
  let { gift } = await fromToken(token, now);
  const at = now.toISOString();
  for (;;) {
    if (gift.status === "void") throw voidError(gift);
    if (gift.status === "redeemed") {
      // A redeem whose comp failed half-way is finished by the next (the comp is the same, so applying it again is harmless).
      const patron = gift.redeemedBy ? await Db.Patrons.get(gift.redeemedBy) : undefined;
      if (gift.redeemedBy && gift.endsAt && gift.endsAt > at && patron?.compedUntil !== gift.endsAt && !(patron?.compedUntil && patron.compedUntil > gift.endsAt)) {
        await Db.Gifts.markReceived(gift.redeemedBy, gift.id);
        await compSubscriber(gift.redeemedBy, { tierId: gift.tierId, until: gift.endsAt, by: `gift:${gift.id}` }, now, { extend: true });
      }
      return { outcome: "already_redeemed", gift };
    }
    const recipient = await recipientOf(gift.recipientEmail, at, options.language);
    const comp = await Db.Gifts.comp(recipient.id);
    const next: Gift = {
      ...gift,
      status: "redeemed",
      redeemedBy: recipient.id,
      redeemedAt: at,
      endsAt: addMonths(await startOf(recipient.id, gift.tierId, comp, now), gift.months).toISOString(),
      updatedAt: at,
      version: gift.version + 1,
    };
    // Redeemed only if the recipient's gift comp is still the one read: another gift of theirs redeemed meanwhile
    // (a second link pressed at once) ends later, and this one's months start there (read again, below).
    if (await Db.Gifts.redeem(next, gift, comp)) {
      await Db.Gifts.markReceived(recipient.id, next.id);
      await compSubscriber(recipient.id, { tierId: next.tierId, until: next.endsAt!, by: `gift:${next.id}` }, now, { extend: true });
      log.info({ event: "gift.redeemed", sessionId: next.id, subscriberId: recipient.id, endsAt: next.endsAt }, "gift redeemed");
      if (options.subscribe && recipient.status !== "active") {
        // Its form's sign-up counts as the gift page's (attribution), as any form without a source of its own.
        const source = pageSource("/gift");
        await signup({ email: recipient.email, source, ...(options.language && { language: options.language }) }, { ...options.context, source: "gift" }, now);
      }
      return { outcome: "redeemed", gift: next };
    }
    const again = await Db.Gifts.get(gift.id);
    if (!again) throw new VisibleError("invalid", "invalid_token", "This gift link is not valid.");
    gift = again;
  }
}

/**
 * When the gift's months start: now, or the end of a comp of the same tier the recipient holds already (an
 * editor's comp, or their gifts redeemed before: `comp`, which is ahead of the patron while a redeem's comp is still
 * being applied), so that gifts add up rather than one cutting another short.
 */
async function startOf(subscriberId: string, tierId: string, comp: Db.Gifts.GiftComp | undefined, now: Date): Promise<Date> {
  const patron = await Db.Patrons.get(subscriberId);
  const ends = [patron?.compTierId === tierId && patron.compedUntil, comp?.tierId === tierId && comp.endsAt];
  const latest = ends.filter((end): end is string => typeof end === "string" && end > now.toISOString()).sort().at(-1);
  return latest ? new Date(latest) : now;
}

/**
 * The subscriber with the gift's address, or one made for it: on record, `unsubscribed` until they opt in, in the
 * language they redeemed it in.
 */
async function recipientOf(email: string, at: string, language: string | undefined): Promise<Subscriber> {
  const existing = await Db.Subscribers.getByEmail(email);
  if (existing) return existing;
  const made: Subscriber = {
    id: `sub_${ulid()}`,
    email,
    status: "unsubscribed",
    topics: [],
    frequency: "weekly",
    ...(language && { language: Config.readerLanguage(language) }),
    createdAt: at,
    updatedAt: at,
    confirmationsSentAt: [],
    version: 1,
  };
  try {
    await Db.Subscribers.save(made);
    return made;
  } catch (error) {
    if (!(error instanceof Db.WriteConflictError)) throw error;
    const raced = await Db.Subscribers.getByEmail(email);
    if (!raced) throw error;
    return raced;
  }
}
