/** Which API versions' events Tidings reads: the pinned one and older ones; newer or unreadable ones are refused. */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { VisibleError } from "../../../core/errors";
import { checkVersion, fitOf, pinnedVersion } from "../../../core/stripe/versions";

const PINNED = "2026-10-28.endive";

describe("an event's API version", () => {
  it("is the stripe package's: the version every call is made in", async () => {
    expect(await pinnedVersion()).toBe(Stripe.API_VERSION);
    expect(Stripe.API_VERSION).toBe(PINNED);
  });

  it("older dated versions, named or not, are older; the pinned one is pinned", () => {
    expect(fitOf(PINNED, PINNED)).toBe("pinned");
    for (const older of ["2026-09-30.endive", "2025-03-31.basil", "2024-06-20", "2019-12-03", "2017-08-15"]) {
      expect(fitOf(older, PINNED)).toBe("older");
    }
  });

  it("later dates are newer; the pinned date under another name, or no version at all, can't be read", () => {
    expect(fitOf("2026-11-25.endive", PINNED)).toBe("newer");
    expect(fitOf("2027-03-31.fig", PINNED)).toBe("newer");
    for (const unreadable of ["2026-10-28.preview", "2026-10-28", "latest", "", null, undefined, 20261028]) {
      expect(fitOf(unreadable, PINNED)).toBe("unreadable");
    }
  });

  it("a newer or unreadable one is refused with a 400 that says which version to set", async () => {
    expect(await checkVersion({ api_version: PINNED })).toBe("pinned");
    expect(await checkVersion({ api_version: "2024-06-20" })).toBe("older");
    for (const refused of ["2027-03-31.fig", null]) {
      const error = await checkVersion({ api_version: refused }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VisibleError);
      expect(error).toMatchObject({ status: 400, code: "unsupported_api_version" });
      expect((error as VisibleError).message).toContain(`Set the webhook endpoint's API version to ${PINNED}`);
    }
  });
});
