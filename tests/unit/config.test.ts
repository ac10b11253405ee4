import { describe, expect, it } from "vitest";
import * as Config from "../../core/config";

const complete = {
  PUBLIC_URL: "https://news.example.org/",
  SIGNING_SECRET: "s".repeat(32),
  MAIL_FROM: "News <news@example.org>",
  POSTAL_ADDRESS: "1 Main Street, Springfield",
  TABLE_NAME: "tidings",
};

describe("configuration", () => {
  it("resolves every setting with its defaults", () => {
    const config = Config.load(complete);
    expect(config).toMatchObject({
      PUBLIC_URL: "https://news.example.org",
      SES_MAX_SEND_RATE: 14,
      GRACE_DAYS: 7,
      MAX_VOTES_PER_PATRON: 3,
      MAX_OPEN_PROPOSALS_PER_PATRON: 3,
      TIERS: [],
      STRIPE_WEBHOOK_SECRET: [],
      OUTLET_NAME: "Tidings",
    });
    expect(config.STRIPE_SECRET_KEY).toBeUndefined();
  });

  it("names every missing required setting", () => {
    expect(() => Config.load({ ...complete, SIGNING_SECRET: undefined, TABLE_NAME: undefined })).toThrow(
      /SIGNING_SECRET is required.*TABLE_NAME is required/,
    );
  });

  it("names malformed settings without echoing secrets", () => {
    const attempt = () => Config.load({ ...complete, SIGNING_SECRET: "short-secret", TIERS: "{nope" });
    expect(attempt).toThrow(/SIGNING_SECRET: at least 32 characters/);
    expect(attempt).toThrow(/TIERS: not valid JSON/);
    expect(attempt).not.toThrow(/short-secret/);
  });

  it("checks every retired signing secret's length too, at start", () => {
    const previous = `${"p".repeat(32)},short-retired`;
    const attempt = () => Config.load({ ...complete, SIGNING_SECRET_PREVIOUS: previous });
    expect(attempt).toThrow(/SIGNING_SECRET_PREVIOUS: each secret at least 32 characters/);
    expect(attempt).not.toThrow(/short-retired/);
    expect(Config.load({ ...complete, SIGNING_SECRET_PREVIOUS: `${"p".repeat(32)},${"q".repeat(40)}` }).SIGNING_SECRET_PREVIOUS).toBeDefined();
  });

  it("parses named editor tokens, webhook secrets for rotation and tiers", () => {
    const config = Config.load({
      ...complete,
      EDITOR_TOKENS: "alice:aaaaaaaaaaaaaaaa1, bob:bbbbbbbbbbbbbbbb2",
      STRIPE_WEBHOOK_SECRET: "whsec_new,whsec_old",
      TIERS: JSON.stringify([
        { id: "coffee", name: "Coffee", priceId: "price_1", amount: 500, currency: "EUR", interval: "month", voteWeight: 1 },
      ]),
    });
    expect(config.EDITOR_TOKENS).toEqual([
      { name: "alice", token: "aaaaaaaaaaaaaaaa1" },
      { name: "bob", token: "bbbbbbbbbbbbbbbb2" },
    ]);
    expect(config.STRIPE_WEBHOOK_SECRET).toEqual(["whsec_new", "whsec_old"]);
    expect(config.TIERS[0]?.currency).toBe("eur");
  });

  it("refuses an editor token too short to be secret", () => {
    expect(() => Config.load({ ...complete, EDITOR_TOKENS: "alice:short" })).toThrow(/EDITOR_TOKENS/);
  });
});
