/** The subscriber rules that are pure functions: when an unconfirmed sign-up counts as gone. */
import { describe, expect, it } from "vitest";
import { signupExpired } from "../../../core/subscribers/rules";

describe("signupExpired", () => {
  const now = new Date("2026-11-30T12:00:00.000Z");
  const at = Math.floor(now.getTime() / 1000);
  it("is true from the second a sign-up expires, false before and for anything without an expiry", () => {
    expect(signupExpired({ expiresAt: at }, now)).toBe(true);
    expect(signupExpired({ expiresAt: at - 60 }, now)).toBe(true);
    expect(signupExpired({ expiresAt: at + 1 }, now)).toBe(false);
    expect(signupExpired({}, now)).toBe(false);
    expect(signupExpired({ expiresAt: null }, now)).toBe(false);
    expect(signupExpired(undefined, now)).toBe(false);
  });
});
