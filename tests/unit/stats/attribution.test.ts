/** Attribution's rules, without the network: what a source is, a link that carries one, and which writes count. */
import { describe, expect, it } from "vitest";
import { derive, type PaidMembership } from "../../../core/patrons/rules";
import { confirmationAttributed, patronAttributed, signupAttributed } from "../../../core/stats/attributed";
import { isSource, sourceOr, withSource } from "../../../core/stats/attribution";
import { makePatron, makeSubscriber } from "../../helpers/factories";

const now = new Date("2026-11-30T12:00:00Z");

describe("a source", () => {
  it("is a kind and a name an outlet makes, short, with nothing a key, a query or a page would have to escape", () => {
    for (const good of ["article:rent-cap-vote", "digest:weekly-2026-W48", "page:/", "page:/topics/night-buses", "email:winback", "email:welcome-series", `article:${"a".repeat(128)}`]) {
      expect(isSource(good), good).toBe(true);
    }
    for (const bad of ["", "article", "article:", "page:join", "page:/a b", "post:x", "article:-x", "article:a#b", "digest:a&b", 'page:/"', "email:wínback", `article:${"a".repeat(129)}`, 42, undefined]) {
      expect(isSource(bad), String(bad)).toBe(false);
    }
  });

  it("from a page's src, or the page's own when that is none; in a link, readable and encoded where it must be", () => {
    expect(sourceOr("digest:weekly-2026-W48", "/join")).toBe("digest:weekly-2026-W48");
    expect(sourceOr("<script>", "/join")).toBe("page:/join");
    expect(sourceOr(undefined, "/")).toBe("page:/");
    expect(withSource("https://news.example.org/join?tier=coffee", "digest:weekly-2026-W48")).toBe("https://news.example.org/join?tier=coffee&src=digest:weekly-2026-W48");
    expect(withSource("https://news.example.org/support", "page:/topics")).toBe("https://news.example.org/support?src=page:/topics");
  });
});

describe("what counts", () => {
  const optIn = (id: string, requestedAt: string, attribution?: string) => ({
    id,
    requestedAt,
    topics: [],
    frequency: "weekly" as const,
    consent: { requestedAt, source: "api", textVersion: "t", ...(attribution && { attribution }) },
  });

  it("a sign-up: a new opt-in with a source while none of the address's waits; not a second one, nor one without a source", () => {
    const first = makeSubscriber({ status: "pending", optIn: optIn("o1", "2026-11-30T10:00:00Z", "page:/") });
    expect(signupAttributed(undefined, first)).toEqual({ source: "page:/", date: "2026-11-30" });
    const again = { ...first, optIn: optIn("o2", "2026-12-01T10:00:00Z", "article:x"), earlierOptIns: [first.optIn!] };
    expect(signupAttributed(first, again)).toBeUndefined(); // the first still waits
    expect(signupAttributed(first, { ...first, version: 2 })).toBeUndefined(); // the same opt-in, written again
    const expired = { ...first, optIn: optIn("o3", "2026-12-09T10:00:00Z", "article:x") };
    expect(signupAttributed(first, expired)).toEqual({ source: "article:x", date: "2026-12-09" }); // the first expired
    const unattributed = makeSubscriber({ status: "pending", optIn: optIn("o4", "2026-11-30T10:00:00Z") });
    expect(signupAttributed(undefined, unattributed)).toBeUndefined();
    const unsubscribed = makeSubscriber({ status: "unsubscribed" });
    expect(signupAttributed(unsubscribed, { ...unsubscribed, optIn: optIn("o5", "2026-11-30T10:00:00Z", "email:winback") })).toEqual({ source: "email:winback", date: "2026-11-30" });
  });

  it("a confirmation: the write that makes the subscriber active with a newly confirmed consent that has a source", () => {
    const pending = makeSubscriber({ status: "pending" });
    const consent = { requestedAt: "2026-11-29T10:00:00Z", confirmedAt: "2026-11-30T23:59:59Z", source: "form", textVersion: "t", attribution: "page:/" };
    const active = { ...pending, status: "active" as const, consent };
    expect(confirmationAttributed(pending, active)).toEqual({ source: "page:/", date: "2026-11-30" });
    expect(confirmationAttributed(active, { ...active, version: 3 })).toBeUndefined();
    expect(confirmationAttributed(pending, { ...active, consent: { ...consent, attribution: undefined } })).toBeUndefined();
  });

  it("a new patron: the source of the first subscription they pay through, set once by derive, counted with it", () => {
    const paid = (source?: string, status = "active"): PaidMembership => ({
      subscriptionId: "sub_1",
      customerId: "cus_1",
      priceId: "price_coffee",
      tierId: "coffee",
      status,
      cancelAtPeriodEnd: false,
      created: 1,
      ...(source && { source }),
    });
    const trialing = derive(undefined, paid("article:x", "trialing"), "s1", now, 7)!;
    expect(trialing.source).toBeUndefined(); // not paying yet
    const paying = { ...derive(trialing, paid("article:x"), "s1", now, 7)!, version: trialing.version + 1, updatedAt: now.toISOString() };
    expect(paying.source).toBe("article:x");
    expect(patronAttributed(trialing, paying)).toEqual({ source: "article:x", date: "2026-11-30" });
    const later = derive(paying, paid("email:winback"), "s1", now, 7)!;
    expect(later.source).toBe("article:x"); // never overwritten
    expect(patronAttributed(paying, later)).toBeUndefined();
    expect(patronAttributed(undefined, makePatron({ subscriberId: "s2", status: "comped", source: "page:/join" }))).toBeUndefined();
  });
});
