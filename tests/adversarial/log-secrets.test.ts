/**
 * Secret leakage in logs (`product.md` → Security: "No secret, token or full email address is ever logged"):
 * every log line the app writes at debug level while it runs the flows that handle secrets — sign-up and
 * confirmation, a sign-in link and its session, editor actions, a failing SES, forged webhooks, refused
 * tokens — is captured from the logger's own stream and searched for every secret, token and address involved.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Editors from "../../core/editors";
import { log } from "../../core/log";
import * as SignIn from "../../core/signin";
import { drain } from "../../scripts/local-worker";
import { editor, EDITOR_TOKEN } from "../helpers/editor";
import { saveSubscriber } from "../helpers/factories";
import { postForm, postJson, randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";
import { startSesProxy } from "../helpers/ses-proxy";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { SECRET_KEY, WEBHOOK_SECRETS, event } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

const lines: string[] = [];
let restore: () => void;

beforeAll(() => {
  const stream = (log as unknown as Record<symbol, { write(chunk: string): boolean }>)[pino.symbols.streamSym]!;
  const write = stream.write;
  const level = log.level;
  stream.write = (chunk: string) => {
    lines.push(String(chunk));
    return true;
  };
  log.level = "debug";
  restore = () => {
    stream.write = write;
    log.level = level;
  };
});

afterAll(() => restore());

describe("logs", () => {
  it("never carry a secret, a token, a cookie or a full email address", async () => {
    const secrets: Record<string, string> = {
      SIGNING_SECRET: Config.get().SIGNING_SECRET,
      "the editor token": EDITOR_TOKEN,
      STRIPE_SECRET_KEY: SECRET_KEY,
      "a webhook secret": WEBHOOK_SECRETS[0],
    };
    const reader = uniqueEmail("log-reader");
    const patron = uniqueEmail("log-patron");
    await saveSubscriber({ email: patron, name: "Pat Ron" });

    // Sign-up and confirmation, with the welcome email.
    expect((await postJson("/api/subscribe", { email: reader, name: "Rea Der" }, randomIp())).status).toBe(202);
    const confirm = tokenFrom((await mailTo(reader))[0]!, "/confirm");
    expect((await postForm("/confirm", { token: confirm })).status).toBe(200);
    // A sign-in link through the send worker, and the session it starts.
    expect((await postJson("/api/login", { email: patron }, randomIp())).status).toBe(202);
    await drain({ workers: 1 });
    const signin = tokenFrom((await mailTo(patron)).at(-1)!, "/login");
    const session = await request("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(process.env.PUBLIC_URL!).origin },
      body: new URLSearchParams({ token: signin }),
    });
    expect(session.status).toBe(303);
    const setCookie = (name: string) => session.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))!.split(";")[0]!;
    const [cookie, device] = [setCookie(SignIn.sessionCookie()), setCookie(SignIn.deviceCookie())];
    expect((await request("/account", { headers: { cookie } })).status).toBe(200);
    // Editor actions, and a refused editor token.
    expect((await editor("GET", `/api/subscribers/${encodeURIComponent(patron)}`)).status).toBe(200);
    const guess = "almost-the-editor-token-0123456789abcdefghijk";
    expect((await request("/api/stats", { headers: { authorization: `Bearer ${guess}` } })).status).toBe(401);
    secrets["a wrong editor token"] = guess;
    // Editor actions about an address (a preview as a reader, a test copy to someone): keyed hashes, not addresses.
    const testInbox = uniqueEmail("log-test-inbox");
    expect((await editor("GET", `/api/digests/weekly-2030-W01/preview?email=${encodeURIComponent(patron)}`)).status).toBe(404);
    expect((await editor("POST", "/api/digests/weekly-2030-W01/test", { to: [testInbox], email: patron })).status).toBe(404);
    secrets["a test copy's address"] = testInbox;
    // A patron's change of address at Stripe: the confirm link to the new address, the notices, the confirmation.
    const [moving, moved] = [uniqueEmail("log-moving"), uniqueEmail("log-moved")];
    const member = stripeMember(stripe.fake, { email: moving, subscription: { status: "active", priceId: "price_coffee" } });
    expect((await deliver(event("customer.subscription.created", member.subscription))).status).toBe(200);
    stripe.fake.customers.set(member.customer.id, { ...member.customer, email: moved });
    expect((await deliver(event("customer.updated", member.customer))).status).toBe(200);
    const addressChange = tokenFrom((await mailTo(moved)).at(-1)!, "/email-change");
    expect((await postForm("/email-change", { token: addressChange })).status).toBe(200);
    expect(await mailTo(moving)).toHaveLength(3); // the welcome, and the notices of the change asked for and made
    Object.assign(secrets, { "an old address": moving, "a new address": moved, "an address change's link token": addressChange });
    // Refused and tampered tokens, a forged webhook.
    expect((await request(`/confirm?token=${encodeURIComponent(confirm.slice(0, -2))}AA`)).status).toBe(400);
    const forged = await request("/webhooks/stripe", {
      method: "POST",
      headers: { "stripe-signature": `t=${Math.floor(Date.now() / 1000)},v1=00` },
      body: "{}",
    });
    expect(forged.status).toBe(400);
    // SES failing while a confirmation is sent (by the transactional worker, after the 202): the fault is logged.
    const proxy = await startSesProxy({ quotaExceededAt: 1 });
    try {
      const failing = uniqueEmail("log-failing");
      expect((await postJson("/api/subscribe", { email: failing }, randomIp())).status).toBe(202);
      await mailTo(failing).catch(() => undefined); // runs the transactional worker: its attempt fails, and is logged
      expect(proxy.counts.calls, "the worker tried to send it").toBeGreaterThan(0);
      secrets["an address whose email failed"] = failing;
    } finally {
      await proxy.stop();
    }

    Object.assign(secrets, {
      "a confirm token": confirm,
      "a sign-in token": signin,
      "the session cookie": cookie.split("=")[1]!,
      "the device cookie (a sign-in link's reuse is bound to it)": device.split("=")[1]!,
      "the session's id": (await SignIn.Sessions.resume(cookie.split("=")[1]!))!.session.id,
      "a subscriber's address": reader,
      "a patron's address": patron,
      "a patron's name": "Pat Ron",
    });
    const text = lines.join("");
    expect(lines.length, "the flows logged nothing: the check would prove nothing").toBeGreaterThan(5);
    expect(text).toContain('"editor":"editor"'); // editor actions are logged, by the token's name
    expect(text).toContain(Editors.targetHash(patron)); // and whom they were about, as a keyed hash
    expect(text).toContain('"event":"editor.auth_failed"'); // failed attempts are logged, without what was presented
    expect(text).toContain('"level":50'); // and the SES fault was logged as an error
    const leaked = Object.entries(secrets).filter(
      ([, value]) => text.includes(value) || text.includes(encodeURIComponent(value)),
    );
    expect(leaked.map(([what]) => what)).toEqual([]);
    const addresses = [...text.matchAll(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g)]
      .map((m) => m[0])
      .filter((a) => !/^\w\*\*\*@/.test(a));
    expect(addresses, "full addresses in the logs").toEqual([]);
  });
});
