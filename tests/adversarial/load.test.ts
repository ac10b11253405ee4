/**
 * Sign-ups, one-click unsubscribes and Stripe webhooks at a steady rate against `npm start`'s stack (a child
 * process, real HTTP), with a list-bomber and a flood among them:
 * - legitimate traffic, spread over many loopback addresses as many people would be, gets no error at all;
 * - one address signed up thousands of times (from hundreds of addresses) gets exactly one confirmation email;
 * - one address flooding sign-ups is refused with 429 and Retry-After past the per-IP limit;
 * - nothing answers 5xx, and the app's memory does not keep growing (second half's peak vs the first's).
 * `npm test` runs about 25 s of load; `npm run test:long` six minutes. Both print their figures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import { LIMITS } from "../../core/subscribers/rules";
import { signedLink } from "../helpers/factories";
import { startFakeStripe, type FakeStripe } from "../helpers/fake-stripe";
import { describe as line, figures, halves, loopbackAddresses, sampleMemory, steadyLoad, type LoadRequest, type Sample } from "../helpers/load";
import type { StoredEmail } from "../helpers/mail";
import { startNpmStart, type NpmStart } from "../helpers/npm-start";
import { random } from "../helpers/random";
import { SECRET_KEY, WEBHOOK_SECRETS, signed } from "../helpers/stripe-objects";
import { webhookTraffic } from "../helpers/webhook-traffic";
import { byRun, LONG } from "./scale";

const SECONDS = byRun(25, 360);
/** Legitimate requests per second, by kind. */
const RATE = { signup: 3, unsubscribe: 2, webhook: 4 };
/** Sign-ups of the one bombed address: the issue's 9,000 in the long run, fewer in the short one. */
const BOMB = byRun(250, 9_000);
/** The flood: one address, this many sign-ups a second, for a third of the run. */
const FLOOD_RATE = 20;
/** Each legitimate address signs up at most this many times (the per-IP limit is LIMITS.signupsPerIp an hour). */
const PER_ADDRESS = 15;
const SIGNING_SECRET = "load-test-signing-secret-0123456789abcdef";

const rng = random(9);
const run = Math.random().toString(36).slice(2, 8);
let fake: FakeStripe;
let app: NpmStart;

beforeAll(async () => {
  fake = await startFakeStripe();
  app = await startNpmStart({
    env: {
      SIGNING_SECRET,
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRETS[0],
      STRIPE_API_BASE: fake.url,
      GRACE_DAYS: "7",
      // Confirmations go out through the transactional worker, paced from its share of the SES rate: a share that
      // keeps up with the test's sign-ups (the load is on the HTTP side, not SES's).
      SES_MAX_SEND_RATE: "200",
      TRANSACTIONAL_SEND_RATE: "80",
      // The child inherits VITEST, which silences its logs; a 5xx's cause should show in the output.
      LOG_LEVEL: "error",
    },
  });
  // Unsubscribe links are signed here with the app's secret, as the app signs the ones it emails.
  Object.assign(process.env, { SIGNING_SECRET, PUBLIC_URL: app.url, MAIL_FROM: "load@example.com", POSTAL_ADDRESS: "1 Test St" });
  process.env.TABLE_NAME ??= "load-test";
  Config.reset();
});

afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

async function emailsSince(sinceSeconds: number): Promise<StoredEmail[]> {
  const response = await fetch(`${app.mailUrl}/store?since=${sinceSeconds}`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

const json = (kind: string, path: string, body: unknown, from: string): LoadRequest => ({
  kind,
  method: "POST",
  path,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
  from,
});

/** Sign-ups of fresh addresses, PER_ADDRESS from each of the loopback addresses starting at 127.0.<octet>. */
function signups(label: string, count: number, octet: number) {
  const from = loopbackAddresses(octet, Math.ceil(count / PER_ADDRESS));
  return Array.from({ length: count }, (_, i) => ({
    email: `${label}-${run}-${i}@example.com`,
    request: () => json("signup", "/api/subscribe", { email: `${label}-${run}-${i}@example.com`, frequency: "weekly" }, from[i % from.length]!),
  }));
}

describe("npm start under a steady load", () => {
  it("serves legitimate traffic without errors, sends one confirmation to a bombed address, refuses a flood", async () => {
    // Arrange: people who signed up and confirmed earlier, and now unsubscribe in one click (ids from their emails).
    const unsubscribers = Math.round(RATE.unsubscribe * SECONDS);
    const since = Math.floor(Date.now() / 1000) - 1;
    const earlier = signups("earlier", unsubscribers, 10);
    const prepared = await steadyLoad({ url: app.url, rate: 60, count: earlier.length, next: (i) => earlier[i]!.request() });
    expect(figures(prepared.samples).errors).toBe(0);
    // The confirmations go out from the transactional queue, after the answers: wait for them to arrive.
    const confirmTokens = new Map<string, string>();
    for (let wait = 0; wait < 120 && earlier.some(({ email }) => !confirmTokens.has(email)); wait++) {
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      for (const email of await emailsSince(since)) {
        const token = /\/confirm\?token=([^\s>"&]+)/.exec(email.body.text ?? "")?.[1];
        if (token) confirmTokens.set(email.destination.to[0]!.toLowerCase(), decodeURIComponent(token));
      }
    }
    const ids = earlier.map(({ email }) => {
      const token = confirmTokens.get(email);
      if (!token) throw new Error(`no confirmation email reached ${email}`);
      return { token, id: token.split(".")[1]!.split("~")[0]! }; // the subject: `sub_…~<opt-in id>`
    });
    const confirmed = await steadyLoad({
      url: app.url,
      rate: 60,
      count: ids.length,
      next: (i) => ({ kind: "confirm", method: "POST", path: "/confirm", ...form({ token: ids[i]!.token }), from: "127.0.9.1" }),
    });
    expect(figures(confirmed.samples).errors).toBe(0);
    const preferences = (id: string) => fetch(`${app.url}${signedLink("manage", id).path}`).then((r) => r.text());
    const notSubscribed = /not subscribed at the moment/;
    expect(await preferences(ids[0]!.id)).not.toMatch(notSubscribed);
    const unsubscribeLinks = ids.map(({ id }) => signedLink("unsubscribe", id).path);

    // The traffic, in a seeded order: fresh sign-ups, unsubscribes, webhooks, and the bombed address's sign-ups.
    const fresh = signups("fresh", Math.round(RATE.signup * SECONDS), 40);
    const traffic = webhookTraffic(fake, rng, { customers: Math.round((RATE.webhook * SECONDS) / 3.7), label: `load-${run}` });
    const bombed = `bombed-${run}@example.com`;
    const bombers = loopbackAddresses(80, Math.ceil(BOMB / PER_ADDRESS));
    const unsubscribeFrom = loopbackAddresses(120, 100);
    const stripeFrom = loopbackAddresses(200, 10);
    const plan: Array<() => LoadRequest> = [
      ...fresh.map((one) => one.request),
      ...unsubscribeLinks.map((path, i) => (): LoadRequest => ({
        kind: "unsubscribe",
        method: "POST",
        path,
        ...form({ "List-Unsubscribe": "One-Click" }),
        from: unsubscribeFrom[i % unsubscribeFrom.length]!,
      })),
      ...traffic.events.map((event, i) => {
        const body = JSON.stringify(event);
        // Signed when sent, as Stripe signs each delivery.
        return (): LoadRequest => ({
          kind: "webhook",
          method: "POST",
          path: "/webhooks/stripe",
          ...signedRequest(body),
          from: stripeFrom[i % 10]!,
          tag: event.id,
        });
      }),
      ...Array.from({ length: BOMB }, (_, i) => () => json("bombed", "/api/subscribe", { email: bombed }, bombers[i % bombers.length]!)),
    ];
    // Webhooks keep their delivery order among themselves; everything else is shuffled around them.
    const order = shuffledKeepingWebhookOrder(plan.length, fresh.length + unsubscribeLinks.length, traffic.events.length);
    const rate = Math.round(plan.length / SECONDS);

    // Act: the steady load, and a flood from one address through the middle third of it.
    const memory = sampleMemory(app.pid);
    const floodFrom = "127.0.250.1";
    const floodWindows = new Set<number>();
    const [load, flood] = await Promise.all([
      // At most 32 requests in flight: past that the load waits here, and the wait counts in its latency.
      steadyLoad({ url: app.url, rate, count: plan.length, next: (i) => plan[order[i]!]!(), maxInFlight: 32 }),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, (SECONDS * 1000) / 3));
        floodWindows.add(Math.floor(Date.now() / 1000 / LIMITS.signupsPerIpWindowSeconds));
        const flooded = await steadyLoad({
          url: app.url,
          rate: FLOOD_RATE,
          count: Math.round((FLOOD_RATE * SECONDS) / 3),
          next: (i) => json("flood", "/api/subscribe", { email: `flood-${run}-${i}@example.com` }, floodFrom),
        });
        floodWindows.add(Math.floor(Date.now() / 1000 / LIMITS.signupsPerIpWindowSeconds));
        return flooded;
      })(),
    ]);
    const readings = memory.stop();

    // The figures, printed in both runs.
    const legit = load.samples.filter((s) => s.kind !== "bombed");
    const kinds = ["signup", "unsubscribe", "webhook", "bombed"];
    const rss = halves(readings);
    const all = [...load.samples, ...flood.samples];
    console.log(
      [
        `load (${LONG ? "long" : "short"}): ${load.samples.length} requests at ${rate}/s for ${(load.elapsedMs / 1000).toFixed(1)} s, ` +
          `${traffic.events.length} webhook deliveries (${traffic.duplicates} duplicates) for ${traffic.memberships.length} customers`,
        line("legitimate", figures(legit)),
        ...kinds.map((kind) => line(kind, figures(load.samples.filter((s) => s.kind === kind)))),
        line("flood (one address)", figures(flood.samples, (status) => status === 202 || status === 429)),
        `npm start RSS: first half peak ${rss.first.toFixed(0)} MiB, second half peak ${rss.second.toFixed(0)} MiB, ` +
          `peak ${rss.peak.toFixed(0)} MiB (${readings.length} readings)`,
      ].join("\n"),
    );

    const logged = app.output().split("\n").filter((text) => /"level":(50|60)/.test(text));
    if (logged.length) console.log(`npm start logged ${logged.length} errors; the first:\n${logged.slice(0, 3).join("\n")}`);

    // A delivery of an event that another delivery of it is still processing is answered 503 with Retry-After,
    // and Stripe delivers it again later: only events sent twice may meet that, and their redelivery is processed
    // or a duplicate (200). Every other answer to legitimate traffic is a 2xx.
    const deliveredTwice = new Set(traffic.events.map((e) => e.id).filter((id, i, ids) => ids.indexOf(id) !== i));
    const inFlight = load.samples.filter((s) => s.kind === "webhook" && s.status === 503 && deliveredTwice.has(s.tag!) && s.retryAfter);
    for (const { tag } of inFlight) {
      const event = traffic.events.find((e) => e.id === tag)!;
      const again = await fetch(`${app.url}/webhooks/stripe`, { method: "POST", ...signedRequest(JSON.stringify(event)) });
      expect([tag, again.status]).toEqual([tag, 200]);
    }
    const answered = (s: Sample) => !inFlight.includes(s);

    // Assert: no 5xx anywhere; no error at all for legitimate traffic, the bombed address included.
    expect(all.filter(answered).filter((s) => s.status >= 500 || s.status === 0).map(brief)).toEqual([]);
    expect(load.samples.filter(answered).filter((s) => s.status < 200 || s.status >= 300).map(brief)).toEqual([]);
    expect(legit.length + BOMB).toBe(plan.length);

    // One-click unsubscribes took effect (a sample of them: their preferences pages say so).
    for (const { id } of ids.filter((_, i) => i % Math.ceil(ids.length / 20) === 0)) {
      expect(await preferences(id)).toMatch(notSubscribed);
    }

    // The bombed address: exactly one confirmation email in one run (one per 10 minutes, five per 24 hours).
    const toBombed = async () => (await emailsSince(since)).filter((email) => email.destination.to.some((to) => to.toLowerCase() === bombed));
    for (let wait = 0; wait < 60 && (await toBombed()).length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 500));
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // room for a second one, which must not come
    expect((await toBombed()).map((email) => email.subject)).toHaveLength(1);

    // The flood: the per-IP limit's sign-ups (per window it touched) are taken; the rest get 429 and Retry-After.
    const accepted = flood.samples.filter((s) => s.status === 202).length;
    const refused = flood.samples.filter((s) => s.status === 429);
    expect(accepted).toBeGreaterThanOrEqual(LIMITS.signupsPerIp);
    expect(accepted).toBeLessThanOrEqual(LIMITS.signupsPerIp * floodWindows.size);
    expect(refused.length).toBe(flood.samples.length - accepted);
    for (const sample of refused) {
      expect(Number(sample.retryAfter)).toBeGreaterThan(0);
      expect(Number(sample.retryAfter)).toBeLessThanOrEqual(LIMITS.signupsPerIpWindowSeconds);
    }

    // Memory: the second half's peak stays within a generous factor of the first half's (no growth without bound).
    expect(readings.length).toBeGreaterThan(10);
    expect(rss.second).toBeLessThan(rss.first * 1.5);
  }, byRun(300_000, 3_600_000)); // a busy 2-core machine falls behind the schedule: the load then lasts longer
});

function form(fields: Record<string, string>) {
  return { headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() };
}

function signedRequest(body: string) {
  const { headers } = signed(body, { secret: WEBHOOK_SECRETS[0] });
  return { headers, body };
}

/** A seeded order of `total` plan entries in which the webhook entries [from, from + count) keep their order. */
function shuffledKeepingWebhookOrder(total: number, from: number, count: number): number[] {
  const order = Array.from({ length: total }, (_, i) => i);
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let nextWebhook = from;
  return order.map((index) => (index >= from && index < from + count ? nextWebhook++ : index));
}

function brief(sample: Sample): string {
  return `${sample.kind} from ${sample.from}: ${sample.status}${sample.error ? ` (${sample.error})` : ""}`;
}
