/**
 * The reader pages in process (`app.request`): the home page's sign-up form and its "check your inbox" answer,
 * the unsubscribed page's undo (a new opt-in, never a silent resubscribe), the topics page's vote buttons (session
 * + Origin), the account page, and friendly HTML 400/403/404/429 pages for pages and browser forms while API
 * clients keep JSON errors. Bad input answers 4xx and changes nothing.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Subscribers from "../../core/subscribers";
import { hashIp } from "../../core/subscribers/signup";
import * as Tokens from "../../core/tokens";
import * as Topics from "../../core/topics";
import * as Votes from "../../core/votes";
import { createTopic, createTopics, savePatronSubscriber, saveSubscriber, signedIn, signedLink } from "../helpers/factories";
import { postForm, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";

useLocalStack();

const ORIGIN = "http://127.0.0.1:3000";
const HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

/** A browser's form post: urlencoded, asking for HTML first, from our own origin unless told. */
function browserForm(path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}, ip = randomIp()) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(key, one);
  return request(
    path,
    { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: HTML, origin: ORIGIN, ...headers }, body },
    ip,
  );
}

/** A page's text as a reader reads it (the renderer escapes apostrophes and quotes). */
const readPage = async (response: Response) =>
  (await response.text()).replaceAll("&#39;", "'").replaceAll("&quot;", '"').replaceAll("&amp;", "&");

describe("the home page and its sign-up form", () => {
  it("shows a form posting to /api/subscribe with the followable topics, in a page with a doctype", async () => {
    const open = (await createTopic({ title: "Rivers" })).id;
    const proposed = (await createTopic({ status: "proposed", title: "Not yet" })).id;
    const response = await request("/");
    expect(response.status).toBe(200);
    const html = await readPage(response);
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain('action="/api/subscribe"');
    expect(html).toContain(`value="${open}"`);
    expect(html).not.toContain(`value="${proposed}"`);
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
  });

  it("answers a browser's form post with a 'check your inbox' page and records a pending sign-up", async () => {
    const email = uniqueEmail("form");
    const response = await browserForm("/api/subscribe", { email, name: "Sam" });
    expect(response.status).toBe(202);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    expect(await readPage(response)).toContain("Check your inbox");
    expect((await Db.Subscribers.getByEmail(email))?.status).toBe("pending");
    expect(await mailTo(email)).toHaveLength(1);
  });

  it("answers a bad address with a 400 page naming the field in words, stores nothing; an API client still gets JSON", async () => {
    const page = await browserForm("/api/subscribe", { email: "not-an-address" });
    expect(page.status).toBe(400);
    const html = await readPage(page);
    expect(html).toContain("Email address: must be a valid email address");
    expect(html).toContain("Nothing was saved");
    const api = await postForm("/api/subscribe", { email: "not-an-address" }, randomIp());
    expect(api.status).toBe(400);
    expect(((await api.json()) as any).error).toMatchObject({ code: "invalid_request", fields: { email: expect.any(String) } });
  });

  it("answers past the per-IP limit with a friendly 429 page and Retry-After, sending nothing", async () => {
    const ip = randomIp();
    for (let i = 0; i < Subscribers.LIMITS.signupsPerIp; i++) {
      await Db.RateLimits.hit("signup-ip", hashIp(ip), Subscribers.LIMITS.signupsPerIp, Subscribers.LIMITS.signupsPerIpWindowSeconds);
    }
    const email = uniqueEmail("limited");
    const response = await browserForm("/api/subscribe", { email }, {}, ip);
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const html = await readPage(response);
    expect(html).toContain("Slow down a little");
    expect(html).toMatch(/Wait (\d+ (minutes|hours)|a minute|an hour) and try again/);
    expect(await Db.Subscribers.getByEmail(email)).toBeUndefined();
    expect(await mailTo(email)).toHaveLength(0);
  });
});

describe("unsubscribing and its undo", () => {
  it("shows the undo form with the link's token after unsubscribing from the page", async () => {
    const subscriber = await saveSubscriber();
    const { token, path } = signedLink("unsubscribe", subscriber.id);
    const response = await browserForm(path, {});
    expect(response.status).toBe(200);
    const html = await readPage(response);
    expect(html).toContain('action="/resubscribe"');
    expect(html).toContain(`value="${token}"`);
    expect((await Db.Subscribers.get(subscriber.id))?.status).toBe("unsubscribed");
  });

  it("undoes with a new opt-in: a confirmation email, the status unchanged until it is confirmed", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("undo"), status: "unsubscribed", topics: [], frequency: "daily", name: "Kim" });
    const token = Tokens.sign("unsubscribe", subscriber.id);

    const response = await browserForm("/resubscribe", { token });
    expect(response.status).toBe(200);
    expect(await readPage(response)).toContain("We've emailed you a confirmation link");
    const pending = await Db.Subscribers.get(subscriber.id);
    expect(pending?.status).toBe("unsubscribed");
    expect(pending?.optIn).toMatchObject({ frequency: "daily", name: "Kim", consent: { source: "undo" } });
    const mail = await mailTo(subscriber.email);
    expect(mail.map((m) => m.subject)).toEqual([expect.stringMatching(/^Confirm your subscription/)]);

    // Pressing undo again inside ten minutes says so and sends nothing more.
    const again = await browserForm("/resubscribe", { token });
    expect(await readPage(again)).toContain("a few minutes ago");
    expect(await mailTo(subscriber.email)).toHaveLength(1);

    const confirmed = await postForm("/confirm", { token: tokenFrom(mail[0]!, "/confirm") });
    expect(confirmed.status).toBe(200);
    expect(await Db.Subscribers.get(subscriber.id)).toMatchObject({ status: "active", frequency: "daily", name: "Kim" });
  });

  it("tells an active subscriber they are subscribed already, sending nothing", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("active") });
    const response = await browserForm("/resubscribe", { token: Tokens.sign("unsubscribe", subscriber.id) });
    expect(response.status).toBe(200);
    expect(await readPage(response)).toContain("This address is subscribed already");
    expect(await mailTo(subscriber.email)).toHaveLength(0);
  });

  it("refuses a forged, missing or wrong-purpose token with a 400 page, and a forgotten subscriber with 404; nothing changes", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("bad-undo"), status: "unsubscribed" });
    const good = Tokens.sign("unsubscribe", subscriber.id);
    const cases: Array<[Record<string, string>, number]> = [
      [{ token: `${good.slice(0, -2)}xx` }, 400],
      [{ token: Tokens.sign("manage", subscriber.id) }, 400],
      [{ token: "" }, 400],
      [{}, 400],
      [{ token: Tokens.sign("unsubscribe", "sub_nobody0000000000000000") }, 404],
    ];
    for (const [fields, status] of cases) {
      const response = await browserForm("/resubscribe", fields);
      expect(response.status, JSON.stringify(fields)).toBe(status);
      expect(response.headers.get("content-type")).toMatch(/text\/html/);
      const html = await readPage(response);
      expect(html).toMatch(status === 400 ? "This link is not valid" : "We hold nothing for this address any more");
      expect(html).not.toContain("expected string"); // never a validator's wording
    }
    expect(await Db.Subscribers.get(subscriber.id)).toEqual(subscriber);
    expect(await mailTo(subscriber.email)).toHaveLength(0);
  });
});

describe("the topics page and its vote buttons", () => {
  it("lists open and covered topics with scores for everyone; vote buttons only for an eligible patron", async () => {
    const open = (await createTopic({ title: "Open one" })).id;
    const closed = (await createTopic({ status: "closed", title: "Closed one" })).id;
    const signedOut = await readPage(await request("/topics"));
    expect(signedOut).toContain("Open one");
    expect(signedOut).not.toContain("Closed one");
    expect(signedOut).toContain("Score 0 from 0 patrons");
    expect(signedOut).not.toContain(`action="/topics/${open}/vote"`);

    const reader = await saveSubscriber();
    const asReader = await readPage(await request("/topics", { headers: { cookie: (await signedIn(reader.id)).header } }));
    expect(asReader).toContain('href="/join"');
    expect(asReader).not.toContain(`action="/topics/${open}/vote"`);

    const member = await savePatronSubscriber({ tierId: "co-creator" });
    const asPatron = await request("/topics", { headers: { cookie: (await signedIn(member.id)).header } });
    expect(asPatron.headers.get("cache-control")).toBe("no-store");
    const html = await readPage(asPatron);
    expect(html).toContain(`action="/topics/${open}/vote"`);
    expect(html).not.toContain(`/topics/${closed}/vote`);
  });

  it("counts a vote posted from our own page and withdraws it; the answers say what happened", async () => {
    const id = (await createTopic({ title: "Bridges" })).id;
    const member = await savePatronSubscriber({ tierId: "co-creator" });
    const { header: cookie } = await signedIn(member.id);
    const voted = await browserForm(`/topics/${id}/vote`, {}, { cookie });
    expect(voted.status).toBe(200);
    expect(await readPage(voted)).toContain("now has a score of 3 from 1 patron");
    expect((await Db.Votes.get(id, member.id))?.counted).toBe(true);

    const account = await readPage(await request("/account", { headers: { cookie } }));
    expect(account).toContain("Your votes");
    expect(account).toContain(`action="/topics/${id}/unvote"`);

    const withdrawn = await browserForm(`/topics/${id}/unvote`, {}, { cookie });
    expect(withdrawn.status).toBe(200);
    expect(await readPage(withdrawn)).toContain("Its score is now 0 from 0 patrons");
    expect(await Db.Votes.get(id, member.id)).toBeUndefined();
  });

  it("refuses a vote from another site or with no Origin (403 page), changing nothing", async () => {
    const id = (await createTopic()).id;
    const member = await savePatronSubscriber({ tierId: "co-creator" });
    const { header: cookie } = await signedIn(member.id);
    for (const origin of ["https://evil.example", "null"]) {
      const response = await browserForm(`/topics/${id}/vote`, {}, { cookie, origin });
      expect(response.status, origin).toBe(403);
      expect(await readPage(response)).toContain("We refused this request");
    }
    const noOrigin = await request(`/topics/${id}/vote`, { method: "POST", headers: { cookie, accept: HTML } });
    expect(noOrigin.status).toBe(403);
    expect(await Db.Votes.get(id, member.id)).toBeUndefined();
    expect(await Db.Topics.tally(id)).toEqual({ score: 0, voters: 0 });
  });

  it("answers readers, closed topics, unknown and malformed topic ids with pages saying why, changing nothing", async () => {
    const open = (await createTopic()).id;
    const closed = (await createTopic({ status: "closed" })).id;
    const reader = await saveSubscriber();
    const refused = await browserForm(`/topics/${open}/vote`, {}, { cookie: (await signedIn(reader.id)).header });
    expect(refused.status).toBe(403);
    const html = await readPage(refused);
    expect(html).toContain("Your vote was not counted");
    expect(html).toContain('href="/join"');

    const member = await savePatronSubscriber({ tierId: "co-creator" });
    const { header: cookie } = await signedIn(member.id);
    expect((await browserForm(`/topics/${closed}/vote`, {}, { cookie })).status).toBe(409);
    expect((await browserForm("/topics/no-such-topic/vote", {}, { cookie })).status).toBe(404);
    const malformed = await browserForm("/topics/NOT!valid/vote", {}, { cookie });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toMatch(/text\/html/);
    expect(await Db.Topics.tally(open)).toEqual({ score: 0, voters: 0 });
    expect(await Db.Topics.tally(closed)).toEqual({ score: 0, voters: 0 });
  });

  it("offers no more vote buttons past the limit, and only withdrawing to a patron in grace", async () => {
    const member = await savePatronSubscriber({ tierId: "coffee" });
    const ids = await createTopics(4);
    for (const id of ids.slice(0, 3)) await Votes.vote(member.id, id);
    const full = await readPage(await request("/topics", { headers: { cookie: (await signedIn(member.id)).header } }));
    expect(full).toContain("You have <strong>0</strong> of 3 votes left");
    expect(full).not.toContain(`action="/topics/${ids[3]}/vote"`);
    expect(full).toContain("Withdraw one of your votes to vote for this topic.");
    for (const id of ids.slice(0, 3)) expect(full).toContain(`action="/topics/${id}/unvote"`);

    const late = await savePatronSubscriber({ tierId: "coffee" });
    await Votes.vote(late.id, ids[0]!);
    const current = (await Db.Patrons.get(late.id))!;
    await Db.Patrons.save({ ...current, status: "grace", version: current.version + 1 }, current);
    const grace = await readPage(await request("/topics", { headers: { cookie: (await signedIn(late.id)).header } }));
    expect(grace).toContain("payment is overdue");
    expect(grace).toContain(`action="/topics/${ids[0]}/unvote"`);
    expect(grace).not.toMatch(/action="\/topics\/[^"]+\/vote"/);
  });

  it("sends a signed-out vote to the sign-in page", async () => {
    const id = (await createTopic()).id;
    const response = await browserForm(`/topics/${id}/vote`, {});
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/login");
    expect(await Db.Topics.tally(id)).toEqual({ score: 0, voters: 0 });
  });
});

describe("the account page", () => {
  it("shows the preferences, the membership and the votes of a signed-in patron", async () => {
    const id = (await createTopic({ title: "Harbour" })).id;
    const member = await savePatronSubscriber({ tierId: "co-creator", status: "comped", compedUntil: "2031-06-30T23:59:59.999Z", compTierId: "co-creator" });
    await Db.Subscribers.save({ ...member, name: "Ola", topics: [id], frequency: "daily", pausedUntil: "2031-01-05", version: member.version + 1 }, member);
    const html = await readPage(await request("/account", { headers: { cookie: (await signedIn(member.id)).header } }));
    expect(html).toContain("Topics: Harbour");
    expect(html).toContain("How often: daily");
    expect(html).toContain("Paused until 5 January 2031");
    expect(html).toContain("Name in our emails: Ola");
    expect(html).toContain("You're a <strong>Co-creator</strong> patron");
    expect(html).toContain("until 30 June 2031");
    expect(html).toContain("You haven't voted for any topic yet.");
  });

  it("shows no votes section to a reader who never was a patron", async () => {
    const reader = await saveSubscriber();
    const html = await readPage(await request("/account", { headers: { cookie: (await signedIn(reader.id)).header } }));
    expect(html).toContain("Become a patron");
    expect(html).not.toContain("Your votes");
  });
});

describe("error pages", () => {
  it("answers unknown pages with a 404 page and unknown API paths with JSON", async () => {
    const page = await request("/nothing-here", { headers: { accept: HTML } });
    expect(page.status).toBe(404);
    expect(await readPage(page)).toContain("Go to the home page");
    const api = await request("/api/nothing-here");
    expect(api.status).toBe(404);
    expect(((await api.json()) as any).error.code).toBe("not_found");
  });
});

describe("what a browser or a shared cache may keep", () => {
  it("keeps nothing a credential got: public pages while signed in, a link's page, a form's answer; public pages alone stay cacheable", async () => {
    const reader = await signedIn({});
    const noStore = (response: Response) => response.headers.get("cache-control");
    for (const path of ["/", "/topics", "/join", "/account"]) {
      const response = await reader.call("GET", path);
      expect(noStore(response), `${path} signed in (${response.status})`).toBe("no-store");
    }
    const preferences = await request(signedLink("manage", reader.id).path);
    expect(preferences.status).toBe(200);
    expect(noStore(preferences)).toBe("no-store");
    const unsubscribed = await postForm("/unsubscribe", { token: Tokens.sign("unsubscribe", reader.id) }, randomIp());
    expect(noStore(unsubscribed)).toBe("no-store");
    // The same page for every visitor without a session: kept briefly (tests/integration/topic-reads.test.ts).
    expect(noStore(await request("/topics"))).toMatch(/^public, max-age=\d+$/);
  });
});
