/**
 * A local stand-in for Stripe, for the tests (as their fake Stripe) and for `npm start` without Stripe keys. It
 * answers the API routes Tidings calls (`api.ts`) from state in memory, shaped from Stripe's own example objects
 * (`objects.ts`); the app reaches it through STRIPE_API_BASE with the real `stripe` package. The test owns the
 * state: put subscriptions and customers in, read the sessions and requests out, make the next matching call fail
 * or hold its answer.
 *
 * Given a webhook endpoint, it also serves the pages Stripe hosts (`hosted.ts`): Checkout and Billing Portal
 * session URLs lead to its own pages, whose buttons complete the session or change the subscription and send the
 * app the signed events Stripe would (`webhooks.ts`). Without one, those URLs are Stripe's, as a test expects.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import { answerApi } from "./api";
import { answerPage } from "./hosted";
import { apiError, parseForm, readBody, writeJson } from "./http";
import type { StandInPrice, StandInState } from "./state";
import { SubscriptionStore } from "./subscriptions";
import { resumeDue } from "./update";
import { sendEvents, type Endpoint } from "./webhooks";
import type { Events } from "./actions";

export { parseForm } from "./http";
export type { Delivery, RecordedRequest, StandInPrice } from "./state";
export type { Endpoint } from "./webhooks";

export interface StandInOptions {
  /** Where the hosted pages send their events: with it, the stand-in serves Checkout and the Billing Portal. */
  webhook?: Endpoint;
  /** The prices it knows (Stripe knows its own; the stand-in is told, e.g. the tiers'). */
  prices?: StandInPrice[];
  /** Its port on 127.0.0.1 (default: any free one). */
  port?: number;
}

interface Hold {
  method?: string;
  path: RegExp;
  arrived(): void;
  released: Promise<void>;
}

interface Failure {
  method?: string;
  path: RegExp;
  status: number;
  times: number;
}

export interface StripeStandIn extends StandInState {
  /** `http://127.0.0.1:<port>`, for STRIPE_API_BASE (and where the hosted pages are). */
  url: string;
  /** The next `times` calls matching make Stripe answer `status` (an API error; 5xx by default). */
  failNext(match: { method?: string; path: RegExp }, status?: number, times?: number): void;
  /** Puts (or replaces) a subscription, as Stripe holds it now. */
  put(subscription: Stripe.Subscription): void;
  /**
   * Holds the answer to the next matching call: taken from the state when the call arrives, written only on
   * `release()`. `reached` resolves when the call has arrived. (A slow response carrying old news.)
   */
  holdNext(match: { method?: string; path: RegExp }): { reached: Promise<void>; release(): void };
  /** Each answer waits a random time up to this many milliseconds (widens the races a test wants to see). */
  latencyMs: number;
  /**
   * What Stripe does when paused collections' `resumes_at` comes (at `nowSeconds`, default now): clears each due
   * pause; answers the `customer.subscription.updated` events, sent to the webhook in hosted mode (which also
   * does this by itself every few seconds).
   */
  resumeDue(nowSeconds?: number): Promise<Events>;
  close(): Promise<void>;
}

export async function startStripeStandIn(options: StandInOptions = {}): Promise<StripeStandIn> {
  const failures: Failure[] = [];
  const holds: Hold[] = [];
  const standIn: Omit<StripeStandIn, "url" | "close"> = {
    subscriptions: new SubscriptionStore(),
    customers: new Map(),
    checkoutSessions: [],
    portalSessions: [],
    charges: new Map(),
    disputes: new Map(),
    invoices: new Map(),
    invoicePayments: new Map(),
    paymentIntents: new Map(),
    paymentMethods: new Map(),
    promotionCodes: new Map(),
    prices: options.prices ?? [],
    deliveries: [],
    requests: [],
    failNext: (match, status = 500, times = 1) => failures.push({ ...match, status, times }),
    put: (subscription) => void standIn.subscriptions.set(subscription.id, structuredClone(subscription)),
    latencyMs: 0,
    resumeDue: async (nowSeconds) => {
      const events = resumeDue(standIn, nowSeconds);
      await deliverAll(events);
      return events;
    },
    holdNext: (match) => {
      let arrived!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ ...match, arrived, released });
      return { reached, release };
    },
  };
  let url = "";
  /** Hosted mode: events go to the app's webhook (and are recorded), one change's after another's. */
  let sending = Promise.resolve();
  const deliverAll = (events: Events) => {
    if (!options.webhook || events.length === 0) return sending;
    const endpoint = options.webhook;
    sending = sending.then(async () => void standIn.deliveries.push(...(await sendEvents(endpoint, events))));
    return sending;
  };
  // Stripe resumes a paused collection at its time by itself: so does the hosted stand-in (npm start).
  const resuming = options.webhook ? setInterval(() => void standIn.resumeDue(), 5_000).unref() : undefined;

  /** The answer is taken from the state now and written after the latency: what a slow network does. */
  const send = (res: ServerResponse, status: number, body: unknown, held?: Promise<void>) => {
    const text = JSON.stringify(body);
    if (held) return void held.then(() => writeJson(res, status, text));
    const delay = Math.random() * standIn.latencyMs;
    if (delay < 1) writeJson(res, status, text);
    else setTimeout(() => writeJson(res, status, text), delay);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error) => send(res, 500, apiError("api_error", String(error))));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const parsed = new URL(req.url ?? "/", "http://stand-in");
    const method = req.method ?? "GET";
    const body = method === "POST" ? parseForm(await readBody(req)) : {};
    if (options.webhook && (await answerPage(standIn, options.webhook, { method, path: parsed.pathname, form: body }, res))) return;
    const query = parseForm(parsed.search.slice(1));
    const idempotencyKey = req.headers["idempotency-key"];
    standIn.requests.push({ method, path: parsed.pathname, query, body, ...(typeof idempotencyKey === "string" && { idempotencyKey }) });

    const failure = failures.find((f) => f.times > 0 && (!f.method || f.method === method) && f.path.test(parsed.pathname));
    if (failure) {
      failure.times--;
      return send(res, failure.status, apiError(failure.status >= 500 ? "api_error" : "invalid_request_error", "Injected failure"));
    }
    const holdAt = holds.findIndex((h) => (!h.method || h.method === method) && h.path.test(parsed.pathname));
    const hold = holdAt >= 0 ? holds.splice(holdAt, 1)[0] : undefined;
    hold?.arrived();
    answerApi(
      standIn,
      {
        route: `${method} ${parsed.pathname}`,
        query,
        body,
        reply: (status, answer) => send(res, status, answer),
        answer: (status, answer) => send(res, status, answer, hold?.released),
        idempotencyKey: typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : undefined,
        send: (events) => void deliverAll(events),
      },
      options.webhook ? url : undefined,
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(standIn, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(resuming);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
