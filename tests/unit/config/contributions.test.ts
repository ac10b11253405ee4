import { describe, expect, it } from "vitest";
import * as Config from "../../../core/config";

const complete = {
  PUBLIC_URL: "https://news.example.org/",
  SIGNING_SECRET: "s".repeat(32),
  MAIL_FROM: "News <news@example.org>",
  POSTAL_ADDRESS: "1 Main Street, Springfield",
  TABLE_NAME: "tidings",
};

describe("contribution settings", () => {
  it("default to three presets, 1 to 1,000 euros, and Stripe's 1.5% + 25", () => {
    expect(Config.load(complete)).toMatchObject({
      CONTRIBUTION_AMOUNTS: [500, 1000, 2500],
      CONTRIBUTION_MIN: 100,
      CONTRIBUTION_MAX: 100_000,
      CONTRIBUTION_CURRENCY: "eur",
      CONTRIBUTION_FEE: { percent: 1.5, fixed: 25 },
    });
  });

  it("read presets, currency and fee in their forms", () => {
    const config = Config.load({ ...complete, CONTRIBUTION_AMOUNTS: " 300, 700 ", CONTRIBUTION_CURRENCY: "UAH", CONTRIBUTION_FEE: "2.9%+30" });
    expect(config.CONTRIBUTION_AMOUNTS).toEqual([300, 700]);
    expect(config.CONTRIBUTION_CURRENCY).toBe("uah");
    expect(config.CONTRIBUTION_FEE).toEqual({ percent: 2.9, fixed: 30 });
    expect(Config.load({ ...complete, CONTRIBUTION_FEE: "0" }).CONTRIBUTION_FEE).toEqual({ percent: 0, fixed: 0 });
    expect(Config.load({ ...complete, CONTRIBUTION_FEE: "3%" }).CONTRIBUTION_FEE).toEqual({ percent: 3, fixed: 0 });
  });

  it("refuse malformed values and presets outside the bounds, naming the setting", () => {
    expect(() => Config.load({ ...complete, CONTRIBUTION_AMOUNTS: "5.00,10" })).toThrow(/CONTRIBUTION_AMOUNTS/);
    expect(() => Config.load({ ...complete, CONTRIBUTION_FEE: "lots" })).toThrow(/CONTRIBUTION_FEE/);
    expect(() => Config.load({ ...complete, CONTRIBUTION_CURRENCY: "euro" })).toThrow(/CONTRIBUTION_CURRENCY/);
    expect(() => Config.load({ ...complete, CONTRIBUTION_MIN: "5000", CONTRIBUTION_MAX: "1000" })).toThrow(/CONTRIBUTION_MIN/);
    expect(() => Config.load({ ...complete, CONTRIBUTION_AMOUNTS: "50,500" })).toThrow(/CONTRIBUTION_AMOUNTS 50 outside/);
  });

  it("refuse presets Stripe can't charge in the currency: three-decimal in tens, ISK in whole krónur", () => {
    const kwd = { ...complete, CONTRIBUTION_CURRENCY: "kwd", CONTRIBUTION_MIN: "1000", CONTRIBUTION_MAX: "100000" };
    expect(() => Config.load({ ...kwd, CONTRIBUTION_AMOUNTS: "5000,5125" })).toThrow(/CONTRIBUTION_AMOUNTS 5125 not multiples of 10/);
    expect(Config.load({ ...kwd, CONTRIBUTION_AMOUNTS: "5000,5120" }).CONTRIBUTION_AMOUNTS).toEqual([5000, 5120]);
    expect(() => Config.load({ ...complete, CONTRIBUTION_CURRENCY: "isk", CONTRIBUTION_AMOUNTS: "50050", CONTRIBUTION_MAX: "100000" })).toThrow(/not multiples of 100/);
    expect(Config.load({ ...complete, CONTRIBUTION_CURRENCY: "jpy", CONTRIBUTION_AMOUNTS: "500,1000,3000" }).CONTRIBUTION_AMOUNTS).toEqual([500, 1000, 3000]);
  });
});

describe("covering the fee", () => {
  it("grosses up so that what is left after Stripe's fee is the amount, rounding up", () => {
    const fee = { percent: 1.5, fixed: 25 };
    for (const amount of [100, 500, 1000, 1041, 2500, 99_999, 100_000]) {
      const covered = Config.feeToCover(amount, fee);
      const gross = amount + covered;
      const stripeFee = (gross * fee.percent) / 100 + fee.fixed;
      expect(gross - stripeFee, `${amount}`).toBeGreaterThanOrEqual(amount);
      expect(gross - 1 - ((gross - 1) * fee.percent) / 100 - fee.fixed, `${amount}: one unit less would not do`).toBeLessThan(amount);
    }
    expect(Config.feeToCover(1000, fee)).toBe(41);
    expect(Config.feeToCover(1000, { percent: 0, fixed: 0 })).toBe(0);
    expect(Config.feeToCover(1000, { percent: 0, fixed: 30 })).toBe(30);
  });
});
