/**
 * A tier's prices as readers choose them: by id or by interval and currency, only among current prices, each refusal
 * naming its field; and prices and a yearly price's saving in words.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as I18n from "../../../core/i18n";
import { tierSchema } from "../../../core/config/tiers";
import { VisibleError } from "../../../core/errors";
import { choosePrice, priceInWords, yearlySaving, type PriceChoice } from "../../../core/patrons/prices";

const tier = tierSchema.parse({
  id: "coffee",
  name: "Coffee",
  voteWeight: 1,
  prices: [
    { id: "price_m_eur", amount: 500, currency: "eur", interval: "month" },
    { id: "price_y_eur", amount: 5000, currency: "eur", interval: "year" },
    { id: "price_m_gbp", amount: 450, currency: "gbp", interval: "month" },
    { id: "price_y_gbp", amount: 4700, currency: "gbp", interval: "year" },
    { id: "price_old", amount: 400, currency: "eur", interval: "month", retired: true },
    { id: "price_y_jpy", amount: 9000, currency: "jpy", interval: "year" },
  ],
});

/** The field a refused choice names. */
function refusedField(choice: PriceChoice): string | undefined {
  try {
    choosePrice(tier, choice);
  } catch (error) {
    expect(error).toBeInstanceOf(VisibleError);
    expect((error as VisibleError).status).toBe(400);
    return Object.keys((error as VisibleError).details?.fields ?? {})[0];
  }
  return undefined;
}

beforeAll(() => I18n.load());

describe("choosing a price", () => {
  it("takes the first current price by default, a current price by id, or the first with the interval and currency", () => {
    expect(choosePrice(tier).id).toBe("price_m_eur");
    expect(choosePrice(tier, { price: "price_y_gbp" }).id).toBe("price_y_gbp");
    expect(choosePrice(tier, { interval: "year" }).id).toBe("price_y_eur");
    expect(choosePrice(tier, { currency: "GBP" }).id).toBe("price_m_gbp");
    expect(choosePrice(tier, { interval: "year", currency: "gbp" }).id).toBe("price_y_gbp");
  });

  it("refuses a retired or unknown price, an unknown currency, a missing interval and a price with an interval, naming the field", () => {
    expect(refusedField({ price: "price_old" })).toBe("price");
    expect(refusedField({ price: "price_cocreator" })).toBe("price");
    expect(refusedField({ price: "price_y_eur", interval: "year" })).toBe("price");
    expect(refusedField({ currency: "usd" })).toBe("currency");
    expect(refusedField({ currency: "jpy", interval: "month" })).toBe("interval");
  });
});

describe("prices in words", () => {
  it("formats each currency in its own minor unit", () => {
    expect(priceInWords({ amount: 500, currency: "eur", interval: "month" })).toBe("€5 a month");
    expect(priceInWords({ amount: 4999, currency: "usd", interval: "year" })).toBe("US$49.99 a year");
    expect(priceInWords({ amount: 9000, currency: "jpy", interval: "year" })).toBe("JP¥9,000 a year");
  });

  it("says what a yearly price saves against the monthly one in its currency", () => {
    const [monthly, yearly, , yearlyGbp, , yearlyJpy] = tier.prices;
    expect(yearlySaving(tier, yearly!)).toBe("two months free");
    expect(yearlySaving(tier, yearlyGbp!)).toBe("£7 less than monthly");
    expect(yearlySaving(tier, yearlyJpy!)).toBeUndefined(); // no monthly price in yen to compare with
    expect(yearlySaving(tier, monthly!)).toBeUndefined();
  });

  it("speaks the reader's language: Ukrainian money, intervals and plural months", () => {
    const plain = (text: string | undefined) => text?.replace(/\u00a0/g, " ");
    const [, yearly, , yearlyGbp] = tier.prices;
    expect(plain(priceInWords({ amount: 500, currency: "eur", interval: "month" }, "uk"))).toBe("5 € на місяць");
    expect(plain(priceInWords({ amount: 125050, currency: "uah", interval: "year" }, "uk"))).toBe("1 250,50 ₴ на рік");
    expect(plain(yearlySaving(tier, yearly!, "uk"))).toBe("два місяці безкоштовно");
    expect(plain(yearlySaving(tier, yearlyGbp!, "uk"))).toBe("на 7 £ дешевше, ніж щомісяця");
    expect(priceInWords({ amount: 500, currency: "eur", interval: "month" }, "en")).toBe("€5 a month");
  });
});
