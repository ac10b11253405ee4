/** The pages' brand colour: a readable default, and a colour too light for white text refused naming the setting. */
import { describe, expect, it } from "vitest";
import { load } from "../../../core/config";
import { contrastWithWhite } from "../../../core/config/brand";

const required = {
  PUBLIC_URL: "https://news.example.org",
  SIGNING_SECRET: "s".repeat(32),
  MAIL_FROM: "news@example.org",
  POSTAL_ADDRESS: "1 Example Street, Town",
  TABLE_NAME: "tidings",
};

describe("BRAND_COLOR", () => {
  it("defaults to a blue that white text reads on (WCAG AA)", () => {
    const { BRAND_COLOR } = load(required);
    expect(BRAND_COLOR).toBe("#1a4d8f");
    expect(contrastWithWhite(BRAND_COLOR)).toBeGreaterThanOrEqual(4.5);
  });

  it("takes a dark enough colour", () => {
    expect(load({ ...required, BRAND_COLOR: "#7a1f1f" }).BRAND_COLOR).toBe("#7a1f1f");
  });

  it("refuses a colour too light for white text, or not #rrggbb, naming the setting", () => {
    expect(() => load({ ...required, BRAND_COLOR: "#ffcc00" })).toThrow(/BRAND_COLOR: too light/);
    expect(() => load({ ...required, BRAND_COLOR: "red;}body{display:none" })).toThrow(/BRAND_COLOR/);
  });

  it("measures contrast as WCAG does: black 21:1, white 1:1", () => {
    expect(contrastWithWhite("#000000")).toBeCloseTo(21, 5);
    expect(contrastWithWhite("#ffffff")).toBeCloseTo(1, 5);
  });
});
