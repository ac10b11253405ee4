/**
 * Signing in by magic link against the real local stack: asking for a link (the same answer for everyone, the
 * limits), the link's page and its button, single use with a ten-minute reuse window, the session cookie,
 * signing out, and the CSRF defences of cookie-authenticated requests.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { onError } from "../../functions/api/errors";
import { checkOrigin, optionalSession, requireSession } from "../../functions/api/session";
import * as Config from "../../core/config";
import * as SignIn from "../../core/signin";
import * as Tokens from "../../core/tokens";
import { drain } from "../../scripts/local-worker";
import { saveSubscriber } from "../helpers/factories";
import { postForm, postJson, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";

useLocalStack();

const MINUTE = 60_000;
const OWN_ORIGIN = "http://127.0.0.1:3000"; // PUBLIC_URL in tests

/** The send worker emails sign-in links (off the request path): run it over the file's queue. */
const sendQueued = () => drain({ workers: 1 });

/** Asks for a link over HTTP and answers the token of the email that arrived. */
async function requestLinkToken(email: string): Promise<string> {
  const response = await postJson("/api/login", { email }, randomIp());
  expect(response.status).toBe(202);
  await sendQueued();
  const mail = await mailTo(email);
  return tokenFrom(mail[mail.length - 1]!, "/login");
}

/** The sign-in form's POST, from our own page (a browser sends Origin with it) unless `headers` say otherwise. */
const signInPost = (token: string, headers: Record<string, string | undefined> = {}) =>
  request("/login", {
    method: "POST",
    headers: Object.fromEntries(
      Object.entries({ "content-type": "application/x-www-form-urlencoded", origin: new URL(process.env.PUBLIC_URL!).origin, ...headers })
        .filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
    body: new URLSearchParams({ token }),
  });

/** A cookie a response set, as `name=value` for a Cookie header, and its attributes. */
function cookieOf(response: Response, name: string) {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));
  if (!header) return undefined;
  const [pair, ...attributes] = header.split(/;\s*/);
  return { pair: pair!, value: pair!.slice(name.length + 1), attributes };
}

/** The session cookie a response set (under the name PUBLIC_URL gives it). */
const sessionCookieOf = (response: Response) => cookieOf(response, SignIn.sessionCookie());
/** The device cookie a response set: the device a sign-in link's reuse is bound to. */
const deviceCookieOf = (response: Response) => cookieOf(response, SignIn.deviceCookie());

async function signedIn(email = uniqueEmail("member")) {
  const subscriber = await saveSubscriber({ email });
  const response = await signInPost(await requestLinkToken(email));
  expect(response.status).toBe(303);
  return { subscriber, cookie: sessionCookieOf(response)! };
}

const withCookie = (cookie: string, headers: Record<string, string> = {}) => ({ headers: { cookie, ...headers } });
const account = (cookie: string) => request("/account", withCookie(cookie));
const logout = (cookie: string, headers: Record<string, string> = {}) =>
  request("/logout", { method: "POST", ...withCookie(cookie, headers) });

describe("asking for a sign-in link", () => {
  it("emails a known subscriber a single-purpose link that carries no name", async () => {
    const email = uniqueEmail();
    const subscriber = await saveSubscriber({ email, name: "Grace Hopperly" });

    const response = await postJson("/api/login", { email: email.toUpperCase() }, randomIp());

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "sent" });
    await sendQueued();
    const mail = await mailTo(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toMatch(/sign in/i);
    expect(`${mail[0]!.subject} ${mail[0]!.body.html} ${mail[0]!.body.text}`).not.toMatch(/Grace|Hopperly/);
    expect(mail[0]!.body.text).toContain(`${OWN_ORIGIN}/login?token=`);
    const { subject } = Tokens.verify(tokenFrom(mail[0]!, "/login"), "signin");
    expect(subject).toMatch(new RegExp(`^${subscriber.id}~[\\w-]{16,}$`));
  });

  it("answers an unknown address exactly the same and sends nothing", async () => {
    const known = uniqueEmail("known");
    await saveSubscriber({ email: known });
    const unknown = uniqueEmail("unknown");
    const expiredSignUp = uniqueEmail("expired");
    await saveSubscriber({ email: expiredSignUp, status: "pending", expiresAt: Math.floor(Date.now() / 1000) - 60 });

    const answers = [];
    for (const email of [known, unknown, expiredSignUp]) {
      const response = await postJson("/api/login", { email }, randomIp());
      answers.push({ status: response.status, body: await response.text(), type: response.headers.get("content-type") });
    }

    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    await sendQueued();
    expect(await mailTo(unknown)).toHaveLength(0);
    expect(await mailTo(expiredSignUp)).toHaveLength(0);
    expect(await mailTo(known)).toHaveLength(1);
  });

  it("sends to a subscriber of any status, not only active ones", async () => {
    const email = uniqueEmail("former");
    await saveSubscriber({ email, status: "unsubscribed" });
    expect(await SignIn.sendLink(email)).toBe("sent");
    expect(await mailTo(email)).toHaveLength(1);
  });

  it("sends at most one link a minute and five an hour to an address, silently", async () => {
    const email = uniqueEmail("eager");
    await saveSubscriber({ email });
    const start = Date.now();
    const at = (minutes: number) => new Date(start + minutes * MINUTE);
    const ask = (minutes: number) => SignIn.sendLink(email, at(minutes));

    expect(await ask(0)).toBe("sent");
    expect(await ask(0.5)).toBe("limited");
    const again = await postJson("/api/login", { email }, randomIp());
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ status: "sent" });
    await sendQueued();
    expect(await mailTo(email)).toHaveLength(1);

    for (const minutes of [1.1, 2.2, 3.3, 4.4]) expect(await ask(minutes)).toBe("sent");
    expect(await ask(10)).toBe("limited"); // five in the last hour
    expect(await ask(60.5)).toBe("sent"); // the first one is over an hour old
    expect(await mailTo(email)).toHaveLength(6);
  });

  it("limits requests from one IP address with 429 and Retry-After, known addresses or not", async () => {
    const ip = randomIp();
    for (let i = 0; i < SignIn.SIGNIN.requestsPerIp; i++) {
      expect((await postJson("/api/login", { email: uniqueEmail("flood") }, ip)).status).toBe(202);
    }
    const email = uniqueEmail("flood");
    await saveSubscriber({ email });

    const refused = await postJson("/api/login", { email }, ip);

    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    await sendQueued();
    expect(await mailTo(email)).toHaveLength(0);
  });

  it("refuses a malformed address with 400", async () => {
    const response = await postJson("/api/login", { email: "not an address" }, randomIp());
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty("email");
  });

  it("offers a form at /login that posts to /api/login, which answers a browser with a page", async () => {
    const page = await request("/login");
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<form method="post" action="\/api\/login">[\s\S]*name="email"/);

    const email = uniqueEmail("browser");
    await saveSubscriber({ email });
    const response = await request(
      "/api/login",
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html,*/*;q=0.8" },
        body: new URLSearchParams({ email }),
      },
      randomIp(),
    );
    expect(response.status).toBe(202);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("Check your email");
    await sendQueued();
    expect(await mailTo(email)).toHaveLength(1);
  });
});

describe("following a sign-in link", () => {
  afterEach(() => {
    delete process.env.STAGE;
    Config.reset();
  });

  it("shows a page whose button POSTs; only the POST signs in, with a safe cookie, and /account knows who", async () => {
    const email = uniqueEmail();
    await saveSubscriber({ email, name: "Ada" });
    const token = await requestLinkToken(email);

    const page = await request(`/login?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<form method="post" action="\/login">/);
    expect(html).toContain(`value="${token}"`);
    expect(page.headers.getSetCookie()).toEqual([]);

    const response = await signInPost(token);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/account");
    const cookie = sessionCookieOf(response)!;
    expect(cookie.attributes).toEqual(
      expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Path=/", `Max-Age=${30 * 24 * 60 * 60}`]),
    );
    expect(cookie.attributes).not.toContain("Secure"); // STAGE is local in tests
    expect(Tokens.verify(cookie.value, "session").subject).toMatch(/^sub_\w+~ses_[\w-]+$/);

    const page2 = await account(cookie.pair);
    expect(page2.status).toBe(200);
    expect(page2.headers.get("cache-control")).toBe("no-store");
    const accountHtml = await page2.text();
    expect(accountHtml).toContain(`Signed in as <strong>${email}</strong>`);
    expect(accountHtml).toContain("/preferences?token=");
    expect(accountHtml).toMatch(/<form method="post" action="\/logout">/);
  });

  it("opening the link's page uses nothing up", async () => {
    const email = uniqueEmail();
    await saveSubscriber({ email });
    const token = await requestLinkToken(email);
    expect((await request(`/login?token=${encodeURIComponent(token)}`)).status).toBe(200);

    // Had the GET counted as the first use, a POST eleven minutes later would be refused.
    await expect(SignIn.redeem(token, SignIn.newDevice(), new Date(Date.now() + 11 * MINUTE))).resolves.toMatchObject({
      subscriber: { email },
    });
  });

  it("sets a Secure cookie outside the local stage", async () => {
    const subscriber = await saveSubscriber();
    process.env.STAGE = "production";
    Config.reset();
    const token = SignIn.linkToken(subscriber.id);

    const response = await signInPost(token);

    expect(response.status).toBe(303);
    expect(sessionCookieOf(response)!.attributes).toContain("Secure");
  });

  it("works again within ten minutes of its first use on the same device, and not after", async () => {
    const email = uniqueEmail();
    await saveSubscriber({ email });
    const token = await requestLinkToken(email);

    const first = await signInPost(token);
    const device = deviceCookieOf(first)!;
    const second = await signInPost(token, { cookie: device.pair });

    expect([first.status, second.status]).toEqual([303, 303]);
    expect(device.attributes).toEqual(expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Path=/"]));
    expect(deviceCookieOf(second)!.value).toBe(device.value); // the same device, its cookie renewed
    expect(sessionCookieOf(second)!.value).not.toBe(sessionCookieOf(first)!.value);
    expect((await account(sessionCookieOf(second)!.pair)).status).toBe(200);
    await expect(SignIn.redeem(token, device.value, new Date(Date.now() + 9 * MINUTE))).resolves.toBeDefined();
    await expect(SignIn.redeem(token, device.value, new Date(Date.now() + 11 * MINUTE))).rejects.toMatchObject({
      code: "link_used",
      status: 400,
    });
  });

  it("refuses the link from another device within those ten minutes: no session, and a page saying to ask for a new one", async () => {
    const email = uniqueEmail();
    const subscriber = await saveSubscriber({ email });
    const token = await requestLinkToken(email);
    const first = await signInPost(token);
    expect(first.status).toBe(303);

    const elsewhere = `${SignIn.deviceCookie()}=${SignIn.newDevice()}`;
    const page = await request(`/login?token=${encodeURIComponent(token)}`, withCookie(elsewhere));
    const attempts = [await signInPost(token, { cookie: elsewhere }), await signInPost(token)]; // the second without any device cookie

    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/already used\. Ask for a new one/);
    for (const response of attempts) {
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/already used\. Ask for a new one/);
      expect(sessionCookieOf(response)).toBeUndefined();
    }
    // Only the first device's session exists; that device can still reuse the link.
    expect(await SignIn.Sessions.endAll(subscriber.id)).toBe(1);
    expect((await signInPost(token, { cookie: deviceCookieOf(first)!.pair })).status).toBe(303);
  });

  it("answers a link first used over ten minutes ago with a page that says to ask for a new one", async () => {
    const subscriber = await saveSubscriber();
    // Sent and first used eleven minutes ago (a token is only ever verified at or after the time it was signed).
    const elevenMinutesAgo = new Date(Date.now() - 11 * MINUTE);
    const token = SignIn.linkToken(subscriber.id, elevenMinutesAgo);
    await SignIn.redeem(token, SignIn.newDevice(), elevenMinutesAgo);

    const page = await request(`/login?token=${encodeURIComponent(token)}`);
    const response = await signInPost(token);

    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/already used\. Ask for a new one/);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/already used\. Ask for a new one/);
    expect(sessionCookieOf(response)).toBeUndefined();
  });

  it("refuses forged, altered, expired and other-purpose tokens with 400 and no cookie", async () => {
    const subscriber = await saveSubscriber();
    const valid = SignIn.linkToken(subscriber.id);
    const [purpose, subject, expiry, keyId, signature] = valid.split(".") as [string, string, string, string, string];
    const otherSubscriber = await saveSubscriber();
    const refused = {
      "a forged signature": `${purpose}.${subject}.${expiry}.${keyId}.${"A".repeat(signature.length)}`,
      "another subscriber's id": `${purpose}.${subject.replace(subscriber.id, otherSubscriber.id)}.${expiry}.${keyId}.${signature}`,
      "a later expiry": `${purpose}.${subject}.${(parseInt(expiry, 36) + 86_400).toString(36)}.${keyId}.${signature}`,
      "an expired link": SignIn.linkToken(subscriber.id, new Date(Date.now() - 25 * 60 * MINUTE)),
      "a manage link": Tokens.sign("manage", subscriber.id),
      "a confirmation link": Tokens.sign("confirm", `${subscriber.id}~nonce`),
      "a session cookie's value": Tokens.sign("session", `${subscriber.id}~ses_x`),
      "a link without a nonce": Tokens.sign("signin", subscriber.id),
      "a link of an unknown subscriber": Tokens.sign("signin", "sub_unknown~nonce123"),
      "nonsense": "not-a-token",
    };

    for (const [what, token] of Object.entries(refused)) {
      const page = await request(`/login?token=${encodeURIComponent(token)}`);
      const post = await signInPost(token);
      expect(page.status, what).toBe(400);
      expect(post.status, what).toBe(400);
      expect(sessionCookieOf(post), what).toBeUndefined();
    }
  });

  it("refuses a sign-in posted from another site (login CSRF)", async () => {
    const subscriber = await saveSubscriber();
    const response = await signInPost(SignIn.linkToken(subscriber.id), { origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect(sessionCookieOf(response)).toBeUndefined();
  });

  it("refuses a sign-in that names neither Origin nor Referer, and starts no session", async () => {
    const subscriber = await saveSubscriber();
    const token = SignIn.linkToken(subscriber.id);
    const response = await signInPost(token, { origin: undefined });
    expect(response.status).toBe(403);
    expect(sessionCookieOf(response)).toBeUndefined();
    // The link is not used up: from our own page it still signs in.
    expect((await signInPost(token)).status).toBe(303);
  });
});

describe("sessions", () => {
  it("end at sign-out: the cookie is cleared and the old value no longer works; other devices stay signed in", async () => {
    const { subscriber, cookie } = await signedIn();
    const otherDevice = sessionCookieOf(await signInPost(SignIn.linkToken(subscriber.id)))!;

    const response = await logout(cookie.pair, { origin: OWN_ORIGIN });

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/");
    const cleared = sessionCookieOf(response)!;
    expect(cleared.value).toBe("");
    expect(cleared.attributes).toContain("Max-Age=0");
    const after = await account(cookie.pair);
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/login");
    expect((await account(otherDevice.pair)).status).toBe(200);
  });

  it("all end when the subscriber signs out everywhere from the account page (not from another site); others' stay", async () => {
    const { subscriber, cookie } = await signedIn();
    const otherDevice = sessionCookieOf(await signInPost(SignIn.linkToken(subscriber.id)))!;
    const someoneElse = sessionCookieOf(await signInPost(SignIn.linkToken((await saveSubscriber()).id)))!;
    expect(await (await account(cookie.pair)).text()).toMatch(/<form method="post" action="\/logout\/everywhere">/);
    const everywhere = (headers: Record<string, string>) => request("/logout/everywhere", { method: "POST", ...withCookie(cookie.pair, headers) });

    expect((await everywhere({ origin: "https://evil.example" })).status).toBe(403);
    expect((await everywhere({})).status).toBe(403);
    expect((await account(otherDevice.pair)).status).toBe(200);

    const response = await everywhere({ origin: OWN_ORIGIN });

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/");
    expect(sessionCookieOf(response)!.attributes).toContain("Max-Age=0");
    expect((await account(cookie.pair)).status).toBe(303);
    expect((await account(otherDevice.pair)).status).toBe(303);
    expect((await account(someoneElse.pair)).status).toBe(200);
    expect(await SignIn.Sessions.endAll(subscriber.id)).toBe(0);
  });

  it("send a visitor without a session, or with a tampered or expired cookie, to the sign-in page", async () => {
    const { subscriber, cookie } = await signedIn();
    const [purpose, subject, expiry, keyId, signature] = cookie.value.split(".") as [string, string, string, string, string];
    const other = await saveSubscriber();
    const tampered = {
      "no cookie": "",
      "an altered signature": `${purpose}.${subject}.${expiry}.${keyId}.${signature.slice(0, -2)}AA`,
      "another subscriber's id": `${purpose}.${subject.replace(subscriber.id, other.id)}.${expiry}.${keyId}.${signature}`,
      "a made-up session": Tokens.sign("signin", `${subscriber.id}~ses_madeup`),
      "a signed but unknown session": Tokens.sign("session", `${subscriber.id}~ses_madeup`),
      "a sign-in link": SignIn.linkToken(subscriber.id),
    };

    for (const [what, value] of Object.entries(tampered)) {
      const response = await account(value ? `${SignIn.COOKIE}=${value}` : "");
      expect(response.status, what).toBe(303);
      expect(response.headers.get("location"), what).toBe("/login");
    }
    expect((await account(cookie.pair)).status).toBe(200);
    expect(await SignIn.Sessions.resume(cookie.value, new Date(Date.now() + 31 * 24 * 60 * MINUTE))).toBeUndefined();
  });
});

describe("cookie names", () => {
  let localUrl: string | undefined;
  beforeEach(() => {
    localUrl = process.env.PUBLIC_URL;
  });
  afterEach(() => {
    process.env.PUBLIC_URL = localUrl;
    Config.reset();
  });

  it("are __Host- prefixed (Secure, Path=/, no Domain) where PUBLIC_URL is https, and only that name is read", async () => {
    const subscriber = await saveSubscriber();
    process.env.PUBLIC_URL = "https://news.example.org";
    Config.reset();

    const response = await signInPost(SignIn.linkToken(subscriber.id));

    expect(response.status).toBe(303);
    const [session, device] = [sessionCookieOf(response)!, deviceCookieOf(response)!];
    expect([SignIn.sessionCookie(), SignIn.deviceCookie()]).toEqual(["__Host-tidings_session", "__Host-tidings_device"]);
    for (const cookie of [session, device]) {
      expect(cookie.pair).toMatch(/^__Host-/);
      expect(cookie.attributes).toEqual(expect.arrayContaining(["Secure", "Path=/", "HttpOnly"]));
      expect(cookie.attributes.some((attribute) => /^domain=/i.test(attribute))).toBe(false);
    }
    expect((await account(session.pair)).status).toBe(200);
    // Signed in, a public page is personal too (no-store), which needs the prefixed name known to the whole app.
    expect((await request("/topics", withCookie(session.pair))).headers.get("cache-control")).toBe("no-store");
    expect((await account(`tidings_session=${session.value}`)).status).toBe(303);
  });

  it("are the plain names over http, where browsers refuse __Host- cookies", () => {
    expect(process.env.PUBLIC_URL).toMatch(/^http:/);
    expect([SignIn.sessionCookie(), SignIn.deviceCookie()]).toEqual(["tidings_session", "tidings_device"]);
  });
});

describe("cookie-authenticated requests from other sites (CSRF)", () => {
  it("are refused 403 without a matching Origin or Referer, and change nothing", async () => {
    const { cookie } = await signedIn();

    const foreign: Array<Record<string, string>> = [
      {},
      { origin: "https://evil.example" },
      { origin: "null" },
      { referer: "https://evil.example/x" },
    ];
    for (const headers of foreign) {
      const response = await logout(cookie.pair, headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await response.text()).toContain("did not come from our own pages");
    }
    expect((await account(cookie.pair)).status).toBe(200);

    const fromOurPage = await logout(cookie.pair, { referer: `${OWN_ORIGIN}/account` });
    expect(fromOurPage.status).toBe(303);
    expect((await account(cookie.pair)).status).toBe(303);
  });

  it("are not what a request without the cookie is: signing out without one just redirects", async () => {
    const response = await request("/logout", { method: "POST" });
    expect(response.status).toBe(303);
  });

  it("answer JSON routes 401 without a session and 403 from another site; pages and safe methods pass", async () => {
    const { subscriber, cookie } = await signedIn();
    const app = new OpenAPIHono();
    app.get("/api/me", requireSession, (c) => c.json({ id: c.var.subscriber.id, session: c.var.session.id }));
    app.put("/api/me", requireSession, (c) => c.json({ ok: c.var.subscriber.id }));
    app.delete("/api/thing", checkOrigin, (c) => c.json({ deleted: true }));
    app.get("/maybe", optionalSession, (c) => c.text(c.var.subscriber?.email ?? "nobody"));
    app.onError(onError);
    const call = (path: string, init: RequestInit = {}) => app.request(path, init);

    const me = await call("/api/me", withCookie(cookie.pair));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: subscriber.id, session: expect.stringMatching(/^ses_/) });

    const anonymous = await call("/api/me");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });

    expect((await call("/api/me", { method: "PUT", ...withCookie(cookie.pair) })).status).toBe(403);
    const crossSite = await call("/api/thing", { method: "DELETE", ...withCookie(cookie.pair, { origin: "https://evil.example" }) });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ error: { code: "forbidden" } });
    expect((await call("/api/me", { method: "PUT", ...withCookie(cookie.pair, { origin: OWN_ORIGIN }) })).status).toBe(200);
    expect((await call("/api/thing", { method: "DELETE", ...withCookie(cookie.pair, { origin: OWN_ORIGIN }) })).status).toBe(200);
    expect((await call("/api/thing", { method: "DELETE" })).status).toBe(200); // no cookie: not cookie-authenticated

    expect(await (await call("/maybe", withCookie(cookie.pair))).text()).toBe(subscriber.email);
    expect(await (await call("/maybe", withCookie(`${SignIn.COOKIE}=forged`))).text()).toBe("nobody");
  });
});
