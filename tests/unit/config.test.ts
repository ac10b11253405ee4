import { describe, expect, it } from "vitest";
import * as Config from "../../core/config";

const complete = {
  PUBLIC_URL: "https://news.example.org/",
  SIGNING_SECRET: "s".repeat(32),
  MAIL_FROM: "News <news@example.org>",
  POSTAL_ADDRESS: "1 Main Street, Springfield",
  TABLE_NAME: "tidings",
};

/** A token of 32 bytes in base64url (43 characters), made of one character: the config test needs no randomness. */
const token = (c: string) => c.repeat(43);

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
      EDITOR_TOKENS: `alice:${token("a")}, bob:${token("b")}`,
      STRIPE_WEBHOOK_SECRET: "whsec_new,whsec_old",
      TIERS: JSON.stringify([
        { id: "coffee", name: "Coffee", priceId: "price_1", amount: 500, currency: "EUR", interval: "month", voteWeight: 1 },
      ]),
    });
    expect(config.EDITOR_TOKENS).toEqual([
      { name: "alice", scope: "admin", token: token("a") },
      { name: "bob", scope: "admin", token: token("b") },
    ]);
    expect(config.STRIPE_WEBHOOK_SECRET).toEqual(["whsec_new", "whsec_old"]);
    expect(config.TIERS[0]?.currency).toBe("eur");
  });

  it("gives each editor token its scope; name:token, the form from before scopes, is admin", () => {
    const config = Config.load({
      ...complete,
      EDITOR_TOKENS: `ci:read:${token("r")},cms:send:${token("s")},ops:admin:${token("a")},legacy:${token("l")}`,
    });
    expect(config.EDITOR_TOKENS.map(({ name, scope }) => `${name}:${scope}`)).toEqual([
      "ci:read",
      "cms:send",
      "ops:admin",
      "legacy:admin",
    ]);
    expect(config.EDITOR_TOKENS[0]!.token).toBe(token("r"));
    expect(Config.allows("read", "send")).toBe(false);
    expect(Config.allows("send", "read")).toBe(true);
    expect(Config.allows("admin", "send")).toBe(true);
    expect(Config.allows("send", "admin")).toBe(false);
  });

  it("refuses an editor token shorter than 32 random bytes in base64url, naming the setting and never the value", () => {
    // 42 characters: one short of 32 bytes in base64url. Scoped, unscoped, and a token pasted without a name.
    const short = "s".repeat(42);
    for (const value of [`alice:${short}`, `alice:send:${short}`, `alice:${token("a")},bob:read:${short}`, token("x"), "alice:Tiny-Token"]) {
      const attempt = () => Config.load({ ...complete, EDITOR_TOKENS: value });
      expect(attempt, value).toThrow(/EDITOR_TOKENS: entry \d/);
      let message = "";
      try {
        attempt();
      } catch (error) {
        message = (error as Error).message;
      }
      for (const secret of [short, token("x"), "Tiny-Token"]) expect(message).not.toContain(secret);
    }
    expect(Config.load({ ...complete, EDITOR_TOKENS: `alice:${"s".repeat(43)}` }).EDITOR_TOKENS).toHaveLength(1);
  });

  it("refuses an unknown scope, a repeated name and a repeated token", () => {
    for (const value of [
      `alice:write:${token("a")}`, // a token has no colon: "write" is no scope
      `alice:read:${token("a")},alice:send:${token("b")}`,
      `alice:read:${token("a")},bob:send:${token("a")}`,
    ]) {
      expect(() => Config.load({ ...complete, EDITOR_TOKENS: value }), value).toThrow(/EDITOR_TOKENS: entry 1|EDITOR_TOKENS: entry 2/);
    }
  });

  it("reads a tier's names in other languages, and names it in each (as written where it has none)", () => {
    const tier = { id: "coffee", name: "Coffee", names: { uk: "Кава" }, voteWeight: 1, priceId: "price_m", amount: 500, currency: "eur", interval: "month" };
    const config = Config.load({ ...complete, TIERS: JSON.stringify([tier, { ...tier, id: "plain", names: undefined, priceId: "price_p" }]) });
    expect(config.TIERS.map((t) => [Config.tierName(t, "uk"), Config.tierName(t, "en"), Config.tierName(t)])).toEqual([
      ["Кава", "Coffee", "Coffee"],
      ["Coffee", "Coffee", "Coffee"],
    ]);
    expect(Config.nameOfTier(config.TIERS, "coffee", "uk")).toBe("Кава");
    expect(Config.nameOfTier(config.TIERS, "gone", "uk")).toBe("gone");
    expect(() => Config.load({ ...complete, TIERS: JSON.stringify([{ ...tier, names: { uk: "" } }]) })).toThrow(/TIERS/);
  });

  it("reads a tier's trial and promotion codes, and STRIPE_AUTOMATIC_TAX (off unless on)", () => {
    const prices = [
      { id: "price_m", amount: 500, currency: "eur", interval: "month" },
      { id: "price_y", amount: 5000, currency: "eur", interval: "year" },
    ];
    const tier = { id: "coffee", name: "Coffee", voteWeight: 1, prices };
    const config = Config.load({ ...complete, TIERS: JSON.stringify([{ ...tier, trialDays: 14, promotionCodes: true }]) });
    expect(config.TIERS[0]).toMatchObject({ trialDays: 14, promotionCodes: true });
    expect(config.STRIPE_AUTOMATIC_TAX).toBe("off");
    expect(Config.load({ ...complete, TIERS: JSON.stringify([tier]) }).TIERS[0]).toMatchObject({ promotionCodes: false });
    expect(Config.load({ ...complete, TIERS: JSON.stringify([tier]) }).TIERS[0]!.trialDays).toBeUndefined();
    expect(Config.load({ ...complete, STRIPE_AUTOMATIC_TAX: "on" }).STRIPE_AUTOMATIC_TAX).toBe("on");

    expect(() => Config.load({ ...complete, STRIPE_AUTOMATIC_TAX: "yes" })).toThrow(/STRIPE_AUTOMATIC_TAX: expected "on" or "off"/);
    for (const trialDays of [0, 731, 1.5, "7"]) {
      expect(() => Config.load({ ...complete, TIERS: JSON.stringify([{ ...tier, trialDays }]) }), String(trialDays)).toThrow(/TIERS/);
    }
    expect(() => Config.load({ ...complete, TIERS: JSON.stringify([{ ...tier, promotionCodes: "yes" }]) })).toThrow(/TIERS/);
    // Two current prices a year in euros: a reader's choice of interval and currency would not name one.
    const twins = { ...tier, prices: [...prices, { id: "price_y2", amount: 4500, currency: "eur", interval: "year" }] };
    expect(() => Config.load({ ...complete, TIERS: JSON.stringify([twins]) })).toThrow(/two current prices a year in eur/);
    twins.prices[2] = { ...twins.prices[2]!, retired: true } as never;
    expect(Config.load({ ...complete, TIERS: JSON.stringify([twins]) }).TIERS[0]!.prices).toHaveLength(3);
  });
});
