/**
 * Sign-up abuse the load test led to. A list-bomber signing up someone else's address while the per-address limit
 * holds back the email: nothing they send may change what the owner's confirmation link confirms (one address
 * signed up thousands of times rewrote its pending opt-in each time). And a flood from one IPv6 host, moving
 * through the addresses of its /64, meets the per-IP limit like one address does.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Subscribers from "../../core/subscribers";
import * as Tokens from "../../core/tokens";
import { LIMITS } from "../../core/subscribers/rules";
import { hashIp } from "../../core/subscribers/signup";
import { postForm, postJson, randomIp } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail, type StoredEmail } from "../helpers/mail";

useLocalStack();

beforeAll(async () => {
  const at = new Date().toISOString();
  for (const id of ["climate", "housing"]) {
    await Db.Topics.put({ id, title: id, status: "open", articleIds: [], createdAt: at, updatedAt: at });
  }
});

describe("a sign-up the per-address limit keeps from emailing", () => {
  it("changes nothing: the owner's confirmation confirms the owner's opt-in, not a stranger's", async () => {
    const email = uniqueEmail("bombed");
    const owner = randomIp();
    const ownerSignup = await postJson("/api/subscribe", { email, name: "Ada", topics: ["climate"] }, owner);
    expect(ownerSignup.status).toBe(202);
    const before = await Db.Subscribers.getByEmail(email);

    // Minutes later (inside the 10-minute limit) a stranger signs the same address up with their own choices.
    for (const name of ["Mallory", "Eve"]) {
      const stranger = await postJson("/api/subscribe", { email, name, topics: ["housing"], frequency: "daily" }, randomIp());
      expect(stranger.status).toBe(202);
      expect(await stranger.json()).toEqual({ status: "pending" });
    }
    expect(await Db.Subscribers.getByEmail(email)).toEqual(before);

    const mail = await mailTo(email);
    expect(mail).toHaveLength(1);
    const confirmed = await postForm("/confirm", { token: tokenFrom(mail[0]!, "/confirm") });
    expect(confirmed.status).toBe(200);
    const subscriber = await Db.Subscribers.getByEmail(email);
    expect(subscriber).toMatchObject({ status: "active", name: "Ada", topics: ["climate"], frequency: "weekly" });
    expect(subscriber!.consent).toMatchObject({ ipHash: hashIp(owner) });
  });

  it("leaves an unsubscribed reader's record alone too", async () => {
    const email = uniqueEmail("gone");
    await postJson("/api/subscribe", { email }, randomIp());
    const [confirmation] = await mailTo(email);
    await postForm("/confirm", { token: tokenFrom(confirmation!, "/confirm") });
    const active = (await Db.Subscribers.getByEmail(email))!;
    await Db.Subscribers.save({ ...active, status: "unsubscribed", version: active.version + 1 }, active);
    const before = await Db.Subscribers.getByEmail(email);

    const stranger = await postJson("/api/subscribe", { email, name: "Mallory", topics: ["housing"] }, randomIp());
    expect(stranger.status).toBe(202);
    expect(await Db.Subscribers.getByEmail(email)).toEqual(before);
  });
});

describe("confirmation links bound to the opt-in they confirm", () => {
  const confirmationFor = (mail: StoredEmail[], optInId: string | undefined) =>
    mail.map((email) => tokenFrom(email, "/confirm")).find((token) => Tokens.verify(token, "confirm").subject.endsWith(`~${optInId}`));

  it("the owner's first link confirms the owner's opt-in after a stranger's later sign-up, and the stranger's link then changes nothing", async () => {
    const email = uniqueEmail("bound");
    const owner = randomIp();
    // The owner signed up eleven minutes ago; the per-address wait is over when a stranger signs the address up.
    await Subscribers.signup({ email, name: "Ada", topics: ["climate"] }, { ip: owner, source: "api" }, new Date(Date.now() - 11 * 60_000));
    const stranger = await postJson("/api/subscribe", { email, name: "Mallory", topics: ["housing"], frequency: "daily" }, randomIp());
    expect(stranger.status).toBe(202);

    const pending = (await Db.Subscribers.getByEmail(email))!;
    expect(pending.optIn).toMatchObject({ name: "Mallory" });
    expect(pending.earlierOptIns).toEqual([expect.objectContaining({ name: "Ada", topics: ["climate"] })]);
    const mail = await mailTo(email);
    expect(mail).toHaveLength(2);
    const ownersLink = confirmationFor(mail, pending.earlierOptIns![0]!.id);
    const strangersLink = confirmationFor(mail, pending.optIn!.id);
    expect(ownersLink && strangersLink).toBeTruthy();

    expect((await postForm("/confirm", { token: ownersLink! })).status).toBe(200);
    const confirmed = (await Db.Subscribers.getByEmail(email))!;
    expect(confirmed).toMatchObject({ status: "active", name: "Ada", topics: ["climate"], frequency: "weekly" });
    expect(confirmed.consent).toMatchObject({ ipHash: hashIp(owner) });
    expect(confirmed.optIn).toBeUndefined();
    expect(confirmed.earlierOptIns).toBeUndefined();

    // The stranger's link, pressed later: already subscribed, nothing of theirs applied.
    expect((await postForm("/confirm", { token: strangersLink! })).status).toBe(200);
    expect(await Db.Subscribers.getByEmail(email)).toEqual(confirmed);
  });

  it("refuses a link naming an opt-in the address does not hold, and changes nothing", async () => {
    const email = uniqueEmail("unknown-opt-in");
    await postJson("/api/subscribe", { email, name: "Ada" }, randomIp());
    const before = (await Db.Subscribers.getByEmail(email))!;
    for (const subject of [`${before.id}~not-an-opt-in`, before.id, `${before.id}~${before.optIn!.id}~extra`]) {
      const refused = await postForm("/confirm", { token: Tokens.sign("confirm", subject) });
      expect(refused.status, subject).toBe(400);
    }
    expect(await Db.Subscribers.getByEmail(email)).toEqual(before);
  });

  it("still confirms, by the subscriber id alone, an opt-in stored before opt-ins were named", async () => {
    const email = uniqueEmail("legacy-opt-in");
    await postJson("/api/subscribe", { email, name: "Ada", topics: ["climate"] }, randomIp());
    const stored = (await Db.Subscribers.getByEmail(email))!;
    const { id: _named, ...legacyOptIn } = stored.optIn!;
    await Db.Subscribers.save({ ...stored, optIn: legacyOptIn, version: stored.version + 1 }, stored);

    expect((await postForm("/confirm", { token: Tokens.sign("confirm", stored.id) })).status).toBe(200);
    expect(await Db.Subscribers.getByEmail(email)).toMatchObject({ status: "active", name: "Ada", topics: ["climate"] });
  });
});

describe("the per-IP sign-up limit", () => {
  it("counts an IPv6 host's whole /64, so moving to the next address does not escape it", async () => {
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`;
    const statuses: number[] = [];
    for (let i = 1; i <= LIMITS.signupsPerIp + 2; i++) {
      const response = await postJson("/api/subscribe", { email: uniqueEmail("v6") }, `${prefix}::${i.toString(16)}`);
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses.filter((status) => status === 202)).toHaveLength(LIMITS.signupsPerIp);
    expect(statuses.slice(LIMITS.signupsPerIp)).toEqual([429, 429]);

    // Another /64 is another network.
    const neighbour = await postJson("/api/subscribe", { email: uniqueEmail("v6") }, `${prefix.replace(/:7$/, ":8")}::1`);
    expect(neighbour.status).toBe(202);
  });
});
