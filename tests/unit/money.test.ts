/**
 * Money as Stripe counts it: euros in cents, yen in yen, hryvnias in kopiyky, Kuwaiti dinars in fils (charged in
 * tens), Icelandic krónur in hundredths (charged whole); shown by `Intl` with decimals only where there are some,
 * and typed amounts read exactly.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { price } from "../../core/digests/render/patron-blocks";
import * as I18n from "../../core/i18n";
import * as Money from "../../core/money";
import { priceInWords } from "../../core/patrons/prices";

describe("minor units", () => {
  it("follows Stripe's decimals, not Intl's, where they differ", () => {
    expect(Money.minorUnits("eur")).toBe(100);
    expect(Money.minorUnits("USD")).toBe(100);
    expect(Money.minorUnits("jpy")).toBe(1);
    expect(Money.minorUnits("krw")).toBe(1);
    expect(Money.minorUnits("ugx")).toBe(1);
    expect(Money.minorUnits("uah")).toBe(100);
    expect(Money.minorUnits("kwd")).toBe(1000);
    expect(Money.minorUnits("tnd")).toBe(1000);
    // Intl calls these zero-decimal; Stripe's API counts them in hundredths.
    expect(Money.minorUnits("isk")).toBe(100);
    expect(Money.minorUnits("huf")).toBe(100);
  });

  it("knows the step Stripe charges in", () => {
    expect([Money.chargeStep("eur"), Money.chargeStep("jpy"), Money.chargeStep("kwd"), Money.chargeStep("isk")]).toEqual([1, 1, 10, 100]);
    expect(Money.isChargeable(1250, "eur")).toBe(true);
    expect(Money.isChargeable(5125, "kwd")).toBe(false);
    expect(Money.isChargeable(5120, "kwd")).toBe(true);
    expect(Money.isChargeable(4010, "isk")).toBe(false);
    expect(Money.isChargeable(0, "eur")).toBe(false);
    expect(Money.isChargeable(10.5, "jpy")).toBe(false);
  });
});

describe("format", () => {
  it("EUR, GBP and USD as they always were: whole amounts without decimals", () => {
    expect(Money.format(1000, "eur")).toBe("€10");
    expect(Money.format(1250, "eur")).toBe("€12.50");
    expect(Money.format(1041, "EUR")).toBe("€10.41");
    expect(Money.format(500, "gbp")).toBe("£5");
    expect(Money.format(4999, "usd")).toBe("US$49.99");
    expect(Money.format(4999, "usd", { locale: "en" })).toBe("$49.99");
    expect(Money.format(1500, "eur", { locale: "en", decimals: "always" })).toBe("€15.00");
  });

  it("JPY: 500 is ¥500, never ¥5", () => {
    expect(Money.format(500, "jpy")).toBe("JP¥500");
    expect(Money.format(1250, "jpy")).toBe("JP¥1,250");
    expect(Money.format(500, "jpy", { locale: "en" })).toBe("¥500");
    expect(Money.format(500, "jpy", { locale: "en", decimals: "always" })).toBe("¥500");
  });

  it("UAH is two-decimal", () => {
    expect(Money.format(10000, "uah")).toBe("UAH\u00a0100");
    expect(Money.format(12345, "uah")).toBe("UAH\u00a0123.45");
    expect(Money.format(12345, "uah", { locale: "uk" })).toBe("123,45\u00a0₴");
  });

  it("KWD is three-decimal, where Intl and Stripe agree", () => {
    expect(new Intl.NumberFormat("en", { style: "currency", currency: "KWD" }).resolvedOptions().maximumFractionDigits).toBe(3);
    expect(Money.format(5000, "kwd")).toBe("KWD\u00a05");
    expect(Money.format(5120, "kwd")).toBe("KWD\u00a05.120");
  });

  it("ISK: hundredths in the API, whole krónur on the page", () => {
    expect(Money.format(50000, "isk")).toBe("ISK\u00a0500");
    expect(Money.format(50000, "isk", { locale: "en", decimals: "always" })).toBe("ISK\u00a0500");
  });
});

describe("format in the reader's language", () => {
  // Intl writes a no-break space between the digits' groups and before the sign.
  const plain = (text: string) => text.replace(/\u00a0/g, " ");

  it("Ukrainian: a decimal comma and the sign after the amount, as Intl writes it in uk", () => {
    expect(plain(Money.format(500, "eur", { language: "uk", decimals: "always" }))).toBe("5,00 €");
    expect(plain(Money.format(500, "eur", { language: "uk" }))).toBe("5 €");
    expect(plain(Money.format(125050, "eur", { language: "uk" }))).toBe("1 250,50 €");
    expect(plain(Money.format(9900, "uah", { language: "uk" }))).toBe("99 ₴");
  });

  it("English, or no language, as always; an explicit locale outranks the language", () => {
    expect(Money.format(1250, "eur", { language: "en" })).toBe("€12.50");
    expect(Money.format(500, "usd", { language: "en" })).toBe(Money.format(500, "usd"));
    expect(Money.format(500, "usd", { language: "uk", locale: "en" })).toBe("$5");
  });
});

describe("parse", () => {
  it("reads euros with a point or a comma, exactly", () => {
    expect(Money.parse("12", "eur")).toBe(1200);
    expect(Money.parse("12.50", "eur")).toBe(1250);
    expect(Money.parse("12,5", "eur")).toBe(1250);
    expect(Money.parse("0.29", "eur")).toBe(29); // 0.29 × 100 is 28.999… in floating point
    expect(Money.parse(" 20 ", "eur")).toBe(2000);
  });

  it("reads yen as yen, and refuses a fraction of one", () => {
    expect(Money.parse("1250", "jpy")).toBe(1250);
    expect(Money.parse("1250.5", "jpy")).toBeUndefined();
    expect(Money.parse("123456789", "jpy")).toBe(123_456_789);
  });

  it("reads hryvnias in kopiyky, dinars in fils, krónur in hundredths", () => {
    expect(Money.parse("99.99", "uah")).toBe(9999);
    expect(Money.parse("5.12", "kwd")).toBe(5120);
    expect(Money.parse("5.125", "kwd")).toBe(5125);
    expect(Money.parse("500", "isk")).toBe(50000);
    expect(Money.parse("500.5", "isk")).toBeUndefined();
  });

  it("refuses what is not an amount", () => {
    for (const typed of ["", "abc", "-5", "1e3", "12.505", "1.2.3", "12,", "12345678", "+1"]) expect(Money.parse(typed, "eur"), typed).toBeUndefined();
  });

  it("offers the page a pattern that matches what it reads", () => {
    expect(Money.inputOf("eur")).toEqual({ pattern: "[0-9]+([.,][0-9]{1,2})?", inputmode: "decimal" });
    expect(Money.inputOf("jpy")).toEqual({ pattern: "[0-9]+", inputmode: "numeric" });
    expect(Money.inputOf("kwd").pattern).toBe("[0-9]+([.,][0-9]{1,3})?");
  });
});

describe("prices in words, wherever they are shown", () => {
  beforeAll(() => I18n.load()); // a price's words are a message of the catalogues
  it("a tier's price on /join and in patron emails, and in the digest's invitation", () => {
    expect(priceInWords({ amount: 500, currency: "jpy", interval: "month" })).toBe("JP¥500 a month");
    expect(priceInWords({ amount: 450, currency: "eur", interval: "month" })).toBe("€4.50 a month");
    // The digest writes a price as /join does.
    expect(price({ amount: 500, currency: "jpy", interval: "month" })).toBe("JP¥500 a month");
    expect(price({ amount: 500, currency: "usd", interval: "month" })).toBe("US$5 a month");
    expect(price({ amount: 450, currency: "eur", interval: "month" })).toBe("€4.50 a month");
    expect(price({ amount: 10000, currency: "uah", interval: "year" })).toBe("UAH\u00a0100 a year");
  });
});
