/**
 * A tier's prices as readers choose among them: by Stripe price id, or by interval and currency, and only among the
 * tier's current prices (a retired price stays known for the subscriptions on it, but nobody joins on it again);
 * and in words, "€5 a month", "€50 a year (two months free)", in the reader's language.
 */
import * as Config from "../config";
import type { Price, Tier } from "../config";
import { VisibleError } from "../errors";
import * as I18n from "../i18n";
import * as Money from "../money";

/** What a reader may name: a price id, or an interval and/or a currency; nothing means the tier's first price. */
export interface PriceChoice {
  price?: string;
  interval?: "month" | "year";
  currency?: string;
}

const described = (prices: readonly Price[]) => prices.map((p) => `${p.interval} in ${p.currency}`).join(", ");

/**
 * The current price of `tier` the reader chose; a `VisibleError` (400, naming the field) for a price id that is not
 * one of its current prices, for both a price id and an interval or currency, or for an interval or currency none of
 * its current prices has. Given only one of interval and currency, the first current price that has it.
 */
export function choosePrice(tier: Tier, choice: PriceChoice = {}): Price {
  const current = Config.currentPrices(tier);
  const refuse = (field: string, message: string): never => {
    throw new VisibleError("invalid", "invalid_request", `There is no such price for ${tier.name}; see GET /api/tiers.`, {
      fields: { [field]: message },
    });
  };
  if (choice.price !== undefined) {
    if (choice.interval !== undefined || choice.currency !== undefined) {
      refuse("price", "give either a price or an interval and currency, not both");
    }
    return current.find((p) => p.id === choice.price) ?? refuse("price", `is not a current price of the tier ${tier.id}`);
  }
  const currency = choice.currency?.toLowerCase();
  const inCurrency = currency === undefined ? current : current.filter((p) => p.currency === currency);
  if (!inCurrency.length) refuse("currency", `must be one of: ${[...new Set(current.map((p) => p.currency))].join(", ")}`);
  const chosen = choice.interval === undefined ? inCurrency : inCurrency.filter((p) => p.interval === choice.interval);
  if (!chosen.length) refuse("interval", `the tier ${tier.id} is offered ${described(current)}`);
  return chosen[0]!;
}

/**
 * "€5 a month", "€50 a year", "JP¥500 a month" (whole amounts without decimals); in the reader's `language`
 * ("5 € на місяць"; the default language when absent). The catalogues must be loaded (`I18n.load()`).
 */
export function priceInWords(price: Pick<Price, "amount" | "currency" | "interval">, language?: string): string {
  const { t, language: spoken } = I18n.translator(language);
  return t("membership.price.interval", { price: Money.format(price.amount, price.currency, { language: spoken }), interval: price.interval });
}

/**
 * What a yearly price saves against the tier's current monthly price in the same currency: "two months free" when it
 * is a whole number of months, else "£7 less than monthly"; undefined when it saves nothing or there is no monthly
 * price to compare with. In the reader's `language`, as `priceInWords`.
 */
export function yearlySaving(tier: Tier, price: Price, language?: string): string | undefined {
  if (price.interval !== "year") return undefined;
  const monthly = Config.currentPrices(tier).find((p) => p.interval === "month" && p.currency === price.currency);
  if (!monthly || monthly.amount <= 0) return undefined;
  const saved = monthly.amount * 12 - price.amount;
  if (saved <= 0) return undefined;
  const months = saved / monthly.amount;
  const { t, language: spoken } = I18n.translator(language);
  if (Number.isInteger(months)) return t("membership.price.monthsFree", { months });
  return t("membership.price.lessThanMonthly", { amount: Money.format(saved, price.currency, { language: spoken }) });
}
