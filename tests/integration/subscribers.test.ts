/**
 * The subscriber lifecycle against the real local stack (DynamoDB Local, the SES emulator): sign-up, double
 * opt-in, the same answer for every state, the per-address and per-IP limits, preferences and unsubscribing.
 */
import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Email from "../../core/email";
import * as Subscribers from "../../core/subscribers";
import * as Tokens from "../../core/tokens";
import { signedLink } from "../helpers/factories";
import { postForm, postJson, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";

useLocalStack();

beforeAll(async () => {
  const at = new Date().toISOString();
  for (const id of ["climate", "housing"]) {
    await Db.Topics.put({ id, title: id, status: "open", articleIds: [], createdAt: at, updatedAt: at });
  }
});

async function signUp(email: string, extra: Record<string, unknown> = {}, ip = randomIp()) {
  const response = await postJson("/api/subscribe", { email, ...extra }, ip);
  expect(response.status).toBe(202);
  expect(await response.json()).toEqual({ status: "pending" });
}

async function signUpAndConfirm(email: string, extra: Record<string, unknown> = {}) {
  await signUp(email, extra);
  const [confirmation] = await mailTo(email);
  const confirmed = await postForm("/confirm", { token: tokenFrom(confirmation!, "/confirm") });
  expect(confirmed.status).toBe(200);
  return (await Db.Subscribers.getByEmail(email))!;
}

describe("sign-up and confirmation", () => {
  it("records a pending subscriber with a consent record and emails a confirmation without the name", async () => {
    const email = uniqueEmail();
    await signUp(email.toUpperCase(), { name: "Mallory Listbomber", topics: ["climate"], frequency: "daily" });

    const stored = await Db.Subscribers.getByEmail(email);
    expect(stored).toMatchObject({ email, status: "pending", optIn: { name: "Mallory Listbomber", topics: ["climate"] } });
    expect(stored!.optIn!.consent).toMatchObject({ source: "api", textVersion: expect.any(String), ipHash: expect.any(String) });
    expect(stored!.optIn!.consent.ipHash).not.toContain("10.");

    const mail = await mailTo(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toMatch(/confirm/i);
    expect(`${mail[0]!.subject} ${mail[0]!.body.html} ${mail[0]!.body.text}`).not.toMatch(/Mallory/);
  });

  it("shows a page whose button POSTs, and only the POST confirms; then a welcome email follows", async () => {
    const email = uniqueEmail();
    await signUp(email, { name: "Ada", topics: ["housing"] });
    const token = tokenFrom((await mailTo(email))[0]!, "/confirm");

    const page = await request(`/confirm?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<form method="post" action="\/confirm">/);
    expect(html).toContain(`value="${token}"`);
    expect((await Db.Subscribers.getByEmail(email))!.status).toBe("pending");

    const confirmed = await postForm("/confirm", { token });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("You&#39;re subscribed");
    const subscriber = await Db.Subscribers.getByEmail(email);
    expect(subscriber).toMatchObject({ status: "active", name: "Ada", topics: ["housing"], frequency: "weekly" });
    expect(subscriber!.consent).toMatchObject({ confirmedAt: expect.any(String), source: "api" });
    expect(subscriber!.expiresAt).toBeUndefined();

    const mail = await mailTo(email);
    expect(mail.map((m) => m.subject)).toEqual([expect.stringMatching(/confirm/i), expect.stringMatching(/welcome/i)]);
    expect(tokenFrom(mail[1]!, "/unsubscribe")).toBeTruthy();

    const again = await postForm("/confirm", { token });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("already subscribed");
    expect(await mailTo(email)).toHaveLength(2);
  });

  it("accepts the sign-up form as well as JSON", async () => {
    const email = uniqueEmail();
    const response = await postForm("/api/subscribe", { email, topics: ["climate", "housing"] }, randomIp());
    expect(response.status).toBe(202);
    expect((await Db.Subscribers.getByEmail(email))!.optIn).toMatchObject({ topics: ["climate", "housing"] });
  });
});

describe("the same answer for every state", () => {
  it("answers a second sign-up alike for pending, active and unsubscribed, with no second email inside 10 minutes", async () => {
    const pending = uniqueEmail("pending");
    await signUp(pending);
    const active = uniqueEmail("active");
    await signUpAndConfirm(active);
    const unsubscribed = uniqueEmail("gone");
    const gone = await signUpAndConfirm(unsubscribed);
    await Subscribers.unsubscribe(Tokens.sign("unsubscribe", gone.id), "page");

    const before = { pending: await mailTo(pending), active: await mailTo(active), gone: await mailTo(unsubscribed) };
    for (const email of [pending, active, unsubscribed]) await signUp(email, { name: "Someone Else", topics: ["climate"] });

    expect(await mailTo(pending)).toHaveLength(before.pending.length);
    expect(await mailTo(active)).toHaveLength(before.active.length);
    expect(await mailTo(unsubscribed)).toHaveLength(before.gone.length);
    // A stranger's sign-up never rewrites an active subscriber's preferences.
    const untouched = await Db.Subscribers.getByEmail(active);
    expect(untouched).toMatchObject({ status: "active", topics: [] });
    expect(untouched!.name).toBeUndefined();
  });

  it("sends at most one confirmation when the same address signs up many times at once", async () => {
    const email = uniqueEmail("burst");
    await Promise.all(Array.from({ length: 12 }, () => signUp(email)));
    expect(await mailTo(email)).toHaveLength(1);
  });

  it("re-subscribes an unsubscribed reader only through a new confirmed opt-in", async () => {
    const email = uniqueEmail("return");
    const subscriber = await signUpAndConfirm(email);
    await Subscribers.unsubscribe(Tokens.sign("unsubscribe", subscriber.id), "page");

    // Eleven minutes later (the per-address limit allows a new email), they sign up again.
    const later = new Date(Date.now() + 11 * 60 * 1000);
    await Subscribers.signup({ email, topics: ["climate"] }, { ip: randomIp(), source: "api" }, later);
    expect(await Db.Subscribers.getByEmail(email)).toMatchObject({ status: "unsubscribed", optIn: { topics: ["climate"] } });

    const latest = (await mailTo(email)).at(-1)!;
    expect(latest.subject).toMatch(/confirm/i);
    const confirmed = await postForm("/confirm", { token: tokenFrom(latest, "/confirm") });
    expect(confirmed.status).toBe(200);
    expect(await Db.Subscribers.getByEmail(email)).toMatchObject({ status: "active", topics: ["climate"] });
  });

  it("forgets an unconfirmed sign-up after 7 days: its link expires and a new sign-up starts afresh", async () => {
    const email = uniqueEmail("late");
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
    await Subscribers.signup({ email }, { ip: randomIp(), source: "api" }, eightDaysAgo);
    const stale = await Db.Subscribers.getByEmail(email);
    expect(await Db.Subscribers.get(stale!.id)).toBeUndefined();

    const token = Tokens.sign("confirm", stale!.id, new Date(Date.now() - 60_000));
    const refused = await postForm("/confirm", { token });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/expired/);

    await signUp(email);
    expect(await Db.Subscribers.get(stale!.id)).toMatchObject({ status: "pending" });
    // The old sign-up's confirmation, still queued here, was for an opt-in that has expired: only the new one goes.
    const mail = await mailTo(email);
    expect(mail).toHaveLength(1);
    expect(Tokens.verify(tokenFrom(mail[0]!, "/confirm"), "confirm").subject).toBe(`${stale!.id}~${(await Db.Subscribers.get(stale!.id))!.optIn!.id}`);
  });

  it("limits sign-ups from one IP address with 429 and Retry-After", async () => {
    const ip = randomIp();
    for (let i = 0; i < Subscribers.LIMITS.signupsPerIp; i++) await signUp(uniqueEmail("flood"), {}, ip);
    const email = uniqueEmail("flood");
    const refused = await postJson("/api/subscribe", { email }, ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect(await Db.Subscribers.getByEmail(email)).toBeUndefined();
  });
});

describe("unsubscribing", () => {
  it("unsubscribes with an RFC 8058 one-click POST, idempotently", async () => {
    const email = uniqueEmail();
    const subscriber = await signUpAndConfirm(email);
    const url = `/unsubscribe?token=${encodeURIComponent(tokenFrom((await mailTo(email))[1]!, "/unsubscribe"))}`;
    const oneClick = () =>
      request(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });

    const first = await oneClick();
    expect(first.status).toBe(200);
    const after = await Db.Subscribers.get(subscriber.id);
    expect(after).toMatchObject({ status: "unsubscribed", unsubscribedAt: expect.any(String) });

    const second = await oneClick();
    expect(second.status).toBe(200);
    expect(await Db.Subscribers.get(subscriber.id)).toEqual(after);
  });

  it("unsubscribes from the page's button too", async () => {
    const subscriber = await signUpAndConfirm(uniqueEmail());
    const { token, path } = signedLink("unsubscribe", subscriber.id);
    const page = await request(path);
    expect(await page.text()).toMatch(/<form method="post" action="\/unsubscribe\?token=/);
    expect((await Db.Subscribers.get(subscriber.id))!.status).toBe("active");

    const done = await postForm("/unsubscribe", { token });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("unsubscribed");
    expect((await Db.Subscribers.get(subscriber.id))!.status).toBe("unsubscribed");
  });

  it("carries the one-click headers and html and text parts in the welcome email's MIME", async () => {
    const subscriber = await signUpAndConfirm(uniqueEmail());
    const parsed = await simpleParser(await Email.compose(await Subscribers.welcomeMessage(subscriber)));
    expect(parsed.html).toBeTruthy();
    expect(parsed.text).toBeTruthy();
    // Header lines as sent, unfolded (long headers are folded onto continuation lines).
    const header = (name: string) => parsed.headerLines.find((line) => line.key === name)?.line.replace(/\r?\n\s+/g, " ");
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    expect(header("list-unsubscribe")).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1:3000\/unsubscribe\?token=unsubscribe\.[^>]+>$/);
    expect(header("list-id")).toMatch(/^List-ID: .*<[\w.-]+>$/);
    expect(parsed.from?.text).toContain("news@tidings.local");
  });
});

describe("preferences", () => {
  it("shows and saves topics, frequency, pause and name", async () => {
    const subscriber = await signUpAndConfirm(uniqueEmail(), { topics: ["climate"] });
    const { token, path } = signedLink("manage", subscriber.id);
    const page = await request(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/name="topics" value="climate" checked/);

    const saved = await postForm("/preferences", {
      token,
      name: "Ada L.",
      topics: ["housing"],
      frequency: "daily",
      pausedUntil: "2030-01-01",
    });
    expect(saved.status).toBe(200);
    expect(await Db.Subscribers.get(subscriber.id)).toMatchObject({
      status: "active",
      name: "Ada L.",
      topics: ["housing"],
      frequency: "daily",
      pausedUntil: "2030-01-01",
    });
    const followers = await Db.Subscribers.followers("housing", "active");
    expect(followers.subscriberIds).toContain(subscriber.id);
    expect((await Db.Subscribers.followers("climate", "active")).subscriberIds).not.toContain(subscriber.id);
  });

  it("refuses unknown topics and bad dates with 400 and changes nothing", async () => {
    const subscriber = await signUpAndConfirm(uniqueEmail());
    const token = Tokens.sign("manage", subscriber.id);
    const before = await Db.Subscribers.get(subscriber.id);
    const attempts: Record<string, string>[] = [
      { token, topics: "no-such-topic", frequency: "weekly" },
      { token, frequency: "hourly" },
      { token, frequency: "weekly", pausedUntil: "tomorrow" },
      { token, frequency: "weekly", name: "Eve\r\nBcc: victim@example.com" },
    ];
    for (const fields of attempts) {
      const response = await postForm("/preferences", fields);
      expect(response.status).toBe(400);
    }
    expect(await Db.Subscribers.get(subscriber.id)).toEqual(before);
  });
});

describe("no GET changes state, and tokens are checked", () => {
  it("leaves the record untouched when every link is merely opened", async () => {
    const email = uniqueEmail();
    await signUp(email);
    const pending = await Db.Subscribers.getByEmail(email);
    for (const purpose of ["confirm", "manage", "unsubscribe"] as const) {
      const response = await request(signedLink(purpose, pending!.id).path);
      expect(response.status).toBe(200);
    }
    expect(await Db.Subscribers.get(pending!.id)).toEqual(pending);
  });

  it("refuses forged, altered, expired and wrong-purpose tokens with 400 and changes nothing", async () => {
    const subscriber = await signUpAndConfirm(uniqueEmail());
    const before = await Db.Subscribers.get(subscriber.id);
    const genuine = Tokens.sign("unsubscribe", subscriber.id);
    const expiredConfirm = Tokens.sign("confirm", subscriber.id, new Date(Date.now() - 8 * 86_400_000));
    const bad = [
      genuine.slice(0, -2) + "xx",
      genuine.replace(subscriber.id, "sub_01AAAAAAAAAAAAAAAAAAAAAAAA"),
      Tokens.sign("manage", subscriber.id),
      Tokens.sign("confirm", subscriber.id),
      "unsubscribe.sub_x.0.forged",
    ];
    for (const token of bad) {
      const response = await postForm("/unsubscribe", { token });
      expect(response.status).toBe(400);
    }
    const expired = await postForm("/confirm", { token: expiredConfirm });
    expect(expired.status).toBe(400);
    const wrongPurpose = await postForm("/confirm", { token: Tokens.sign("manage", subscriber.id) });
    expect(wrongPurpose.status).toBe(400);
    const preferences = await request(`/preferences?token=${encodeURIComponent(genuine)}`);
    expect(preferences.status).toBe(400);
    expect(await Db.Subscribers.get(subscriber.id)).toEqual(before);
  });
});

describe("bad input", () => {
  const refusedAndNothingStored = async (response: Response, status: number, email?: string) => {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string; fields: Record<string, string> } };
    expect(body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    if (email) {
      expect(await Db.Subscribers.getByEmail(email)).toBeUndefined();
      expect(await mailTo(email)).toHaveLength(0);
    }
    return body;
  };

  it("answers malformed JSON with 400", async () => {
    const response = await request("/api/subscribe", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"email": "broken@example.com"',
    });
    await refusedAndNothingStored(response, 400, "broken@example.com");
  });

  it("answers an oversized body with 413", async () => {
    const email = uniqueEmail("huge");
    const response = await postJson("/api/subscribe", { email, name: "x".repeat(100_000) });
    expect((await refusedAndNothingStored(response, 413, email)).error.code).toBe("too_large");
  });

  it("answers invalid addresses with 400 naming the field", async () => {
    for (const email of ["not-an-email", "a@b", "a@@example.com", "a b@example.com", "x".repeat(250) + "@example.com"]) {
      const body = await refusedAndNothingStored(await postJson("/api/subscribe", { email }, randomIp()), 400, email);
      expect(body.error.fields.email).toBeTruthy();
    }
  });

  it("answers CR/LF or NUL in a name with 400", async () => {
    for (const name of ["Eve\r\nBcc: victim@example.com", "Eve\nX", "Eve\u0000"]) {
      const email = uniqueEmail("crlf");
      const body = await refusedAndNothingStored(await postJson("/api/subscribe", { email, name }, randomIp()), 400, email);
      expect(body.error.fields.name).toBeTruthy();
    }
  });

  it("answers unknown topics, wrong types and wrong content types with 4xx", async () => {
    const email = uniqueEmail("types");
    await refusedAndNothingStored(await postJson("/api/subscribe", { email, topics: ["nope"] }), 400, email);
    await refusedAndNothingStored(await postJson("/api/subscribe", { email, topics: "climate" }), 400, email);
    await refusedAndNothingStored(await postJson("/api/subscribe", { email, frequency: "hourly" }), 400, email);
    await refusedAndNothingStored(await postJson("/api/subscribe", [email]), 400, email);
    const text = await request("/api/subscribe", { method: "POST", headers: { "content-type": "text/plain" }, body: email });
    await refusedAndNothingStored(text, 415, email);
  });
});
