import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Tokens from "../../core/tokens";

const secret = "a".repeat(40);
const settings = {
  PUBLIC_URL: "http://127.0.0.1:3000",
  EDITOR_TOKENS: "editor:test-editor-token-0123456789abcdefghijklmnop",
  MAIL_FROM: "Tidings <news@tidings.local>",
  POSTAL_ADDRESS: "1 Main Street, Springfield",
  TABLE_NAME: "unused",
};

function configure(current: string, previous?: string) {
  Object.assign(process.env, settings, { SIGNING_SECRET: current, SIGNING_SECRET_PREVIOUS: previous ?? "" });
  Config.reset();
}

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return "accepted";
};

describe("link tokens", () => {
  beforeEach(() => configure(secret));
  afterEach(() => Config.reset());

  it("verifies a token for its own purpose and subject", () => {
    const token = Tokens.sign("confirm", "sub_01ABC");
    expect(Tokens.verify(token, "confirm")).toMatchObject({ purpose: "confirm", subject: "sub_01ABC" });
  });

  it("refuses a token of another purpose, even with the purpose label rewritten", () => {
    const token = Tokens.sign("unsubscribe", "sub_01ABC");
    expect(refusal(() => Tokens.verify(token, "confirm"))).toBe("invalid_token");
    const relabelled = token.replace(/^unsubscribe\./, "manage.");
    expect(refusal(() => Tokens.verify(relabelled, "manage"))).toBe("invalid_token");
  });

  it("refuses altered subjects, expiries and signatures, and forgeries", () => {
    const token = Tokens.sign("signin", "sub_01ABC");
    const [purpose, subject, expiry, keyId, signature] = token.split(".") as [string, string, string, string, string];
    expect(refusal(() => Tokens.verify([purpose, "sub_01ABD", expiry, keyId, signature].join("."), "signin"))).toBe("invalid_token");
    expect(refusal(() => Tokens.verify([purpose, subject, "zzzzzz", keyId, signature].join("."), "signin"))).toBe("invalid_token");
    const flipped = signature.slice(0, -1) + (signature.endsWith("A") ? "B" : "A");
    expect(refusal(() => Tokens.verify([purpose, subject, expiry, keyId, flipped].join("."), "signin"))).toBe("invalid_token");
    expect(refusal(() => Tokens.verify(`${purpose}.${subject}.${expiry}.${keyId}.`, "signin"))).toBe("invalid_token");
    expect(refusal(() => Tokens.verify(`${purpose}.${subject}.${expiry}.${keyId}.${signature}.x`, "signin"))).toBe("invalid_token");
    expect(refusal(() => Tokens.verify("garbage", "signin"))).toBe("invalid_token");
    expect(refusal(() => Tokens.verify(undefined, "signin"))).toBe("invalid_token");
    expect(refusal(() => Tokens.verify("x".repeat(5000), "signin"))).toBe("invalid_token");
  });

  it("expires a token when its purpose's lifetime is over, and never for unsubscribe", () => {
    const issued = new Date("2026-01-01T00:00:00Z");
    const confirm = Tokens.sign("confirm", "sub_01ABC", issued);
    const sixDays = new Date(issued.getTime() + 6 * 86_400_000);
    const eightDays = new Date(issued.getTime() + 8 * 86_400_000);
    expect(Tokens.verify(confirm, "confirm", sixDays).subject).toBe("sub_01ABC");
    expect(refusal(() => Tokens.verify(confirm, "confirm", eightDays))).toBe("expired_token");

    const unsubscribe = Tokens.sign("unsubscribe", "sub_01ABC", issued);
    const tenYears = new Date(issued.getTime() + 3650 * 86_400_000);
    expect(Tokens.verify(unsubscribe, "unsubscribe", tenYears).expiresAt).toBeNull();
  });

  it("keeps old links working through a secret rotation, and drops them once the old secret is retired", () => {
    const old = Tokens.sign("manage", "sub_01ABC");
    configure("b".repeat(40), secret);
    expect(Tokens.verify(old, "manage").subject).toBe("sub_01ABC");
    expect(Tokens.sign("manage", "sub_01ABC")).not.toBe(old);
    configure("b".repeat(40));
    expect(refusal(() => Tokens.verify(old, "manage"))).toBe("invalid_token");
  });

  it("keeps links working through several rotations while their secrets stay listed as previous", () => {
    const first = Tokens.sign("unsubscribe", "sub_01ABC");
    configure("b".repeat(40), secret);
    const second = Tokens.sign("unsubscribe", "sub_01ABC");
    configure("c".repeat(40), `${"b".repeat(40)},${secret}`);
    expect(Tokens.verify(first, "unsubscribe").subject).toBe("sub_01ABC");
    expect(Tokens.verify(second, "unsubscribe").subject).toBe("sub_01ABC");
    configure("c".repeat(40), "b".repeat(40));
    expect(refusal(() => Tokens.verify(first, "unsubscribe"))).toBe("invalid_token");
    expect(Tokens.verify(second, "unsubscribe").subject).toBe("sub_01ABC");
  });

  it("lets a retired secret verify only links that never expire: a rotation ends sessions and pending links", () => {
    const signed = {
      unsubscribe: Tokens.sign("unsubscribe", "sub_01ABC"),
      manage: Tokens.sign("manage", "sub_01ABC"),
      confirm: Tokens.sign("confirm", "sub_01ABC"),
      signin: Tokens.sign("signin", "sub_01ABC~n0nce"),
      vote: Tokens.sign("vote", "sub_01ABC~climate"),
      session: Tokens.sign("session", "sub_01ABC~ses_1"),
    };
    configure("b".repeat(40), secret);
    expect(Tokens.verify(signed.unsubscribe, "unsubscribe").subject).toBe("sub_01ABC");
    expect(Tokens.verify(signed.manage, "manage").subject).toBe("sub_01ABC");
    for (const purpose of ["confirm", "signin", "vote", "session"] as const) {
      expect(refusal(() => Tokens.verify(signed[purpose], purpose)), purpose).toBe("invalid_token");
    }
  });

  it("refuses, whatever signed it, an expiry beyond the purpose's lifetime, none for a purpose that has one, or one for a purpose that has none", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const forge = (purpose: string, subject: string, expiry: string) => {
      const body = `${purpose}.${subject}.${expiry}`;
      const mac = createHmac("sha256", secret).update(`tidings:v1:${body}`).digest().subarray(0, 16).toString("base64url");
      return `${body}.${mac}`;
    };
    const at = (seconds: number) => Math.floor(now.getTime() / 1000 + seconds).toString(36);
    // As `sign` makes them: verified.
    expect(Tokens.verify(forge("session", "sub_01ABC~ses_1", at(30 * 86_400)), "session", now).subject).toBe("sub_01ABC~ses_1");
    expect(Tokens.verify(forge("manage", "sub_01ABC", "0"), "manage", now).expiresAt).toBeNull();
    // A session for a year, or for ever; an unsubscribe link with an expiry: refused though signed with the secret.
    expect(refusal(() => Tokens.verify(forge("session", "sub_01ABC~ses_1", at(365 * 86_400)), "session", now))).toBe("invalid_token");
    expect(refusal(() => Tokens.verify(forge("session", "sub_01ABC~ses_1", "0"), "session", now))).toBe("invalid_token");
    expect(refusal(() => Tokens.verify(forge("signin", "sub_01ABC~n", at(2 * 86_400)), "signin", now))).toBe("invalid_token");
    expect(refusal(() => Tokens.verify(forge("unsubscribe", "sub_01ABC", at(86_400)), "unsubscribe", now))).toBe("invalid_token");
  });

  it("names the secret that signed a token by a key id, and checks it against that secret alone", () => {
    const token = Tokens.sign("manage", "sub_01ABC");
    const [, , , keyId] = token.split(".") as [string, string, string, string, string];
    expect(keyId).toBe(Tokens.keyId(secret));
    configure("b".repeat(40), secret);
    expect(Tokens.keyId("b".repeat(40))).not.toBe(keyId);
    expect(Tokens.verify(token, "manage").subject).toBe("sub_01ABC");
    // The same signature under the current secret's key id names a secret that did not sign it.
    const relabelled = token.split(".").map((part, i) => (i === 3 ? Tokens.keyId("b".repeat(40)) : part)).join(".");
    expect(refusal(() => Tokens.verify(relabelled, "manage"))).toBe("invalid_token");
    // A key id nobody configured.
    const unknown = token.split(".").map((part, i) => (i === 3 ? "AAAAAAAA" : part)).join(".");
    expect(refusal(() => Tokens.verify(unknown, "manage"))).toBe("invalid_token");
  });

  it("still verifies links signed before key ids, by the same rules", () => {
    const legacy = (purpose: string, subject: string, expiry: string, by = secret) => {
      const body = `${purpose}.${subject}.${expiry}`;
      return `${body}.${createHmac("sha256", by).update(`tidings:v1:${body}`).digest().subarray(0, 16).toString("base64url")}`;
    };
    const now = new Date("2030-01-01T00:00:00Z");
    const inADay = Math.floor(now.getTime() / 1000 + 86_400).toString(36);
    expect(Tokens.verify(legacy("unsubscribe", "sub_01ABC", "0"), "unsubscribe", now).subject).toBe("sub_01ABC");
    expect(Tokens.verify(legacy("session", "sub_01ABC~ses_1", inADay), "session", now).subject).toBe("sub_01ABC~ses_1");
    configure("b".repeat(40), secret);
    expect(Tokens.verify(legacy("unsubscribe", "sub_01ABC", "0"), "unsubscribe", now).subject).toBe("sub_01ABC");
    expect(refusal(() => Tokens.verify(legacy("session", "sub_01ABC~ses_1", inADay), "session", now))).toBe("invalid_token");
    // A legacy body under the new format's MAC, or the reverse, verifies as neither.
    const modern = Tokens.sign("unsubscribe", "sub_01ABC", now);
    const [purpose, subject, expiry, , signature] = modern.split(".");
    expect(refusal(() => Tokens.verify([purpose, subject, expiry, signature].join("."), "unsubscribe", now))).toBe("invalid_token");
  });

  it("refuses to sign a subject that could smuggle separators", () => {
    expect(() => Tokens.sign("vote", "sub.1")).toThrow();
    expect(() => Tokens.sign("vote", "sub 1")).toThrow();
  });
});
