/**
 * A small fake of Stripe's API on localhost, for the few routes Tidings calls: subscriptions (retrieve, list by
 * customer and status, paginated, cancel), customers (create, retrieve), Checkout sessions (create), Billing Portal
 * sessions (create), and for charges: charges, disputes (retrieve, list by charge), invoices (retrieve) and invoice
 * payments (list by invoice or payment intent). Its state is in memory and the test owns it: put subscriptions and customers in, read the
 * sessions and requests out, and make the next matching call fail. Objects are shaped from Stripe's own examples
 * (`stripe-objects.ts`). The app reaches it through STRIPE_API_BASE, with the real `stripe` package.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import * as StripeObjects from "../../core/stripe/objects";
import { SubscriptionStore } from "./fake-stripe-list";
import { checkoutSession, customer as makeCustomer, newId, portalSession } from "./stripe-objects";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
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

export interface FakeStripe {
  /** `http://127.0.0.1:<port>`, for STRIPE_API_BASE. */
  url: string;
  subscriptions: Map<string, Stripe.Subscription>;
  customers: Map<string, Stripe.Customer | Stripe.DeletedCustomer>;
  checkoutSessions: Array<{ params: Record<string, any>; session: Stripe.Checkout.Session }>;
  portalSessions: Array<{ params: Record<string, any>; session: Stripe.BillingPortal.Session }>;
  charges: Map<string, Stripe.Charge>;
  disputes: Map<string, Stripe.Dispute>;
  invoices: Map<string, Stripe.Invoice>;
  invoicePayments: Map<string, Stripe.InvoicePayment>;
  requests: RecordedRequest[];
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
  close(): Promise<void>;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const failures: Failure[] = [];
  const holds: Hold[] = [];
  const fake: Omit<FakeStripe, "url" | "close"> = {
    subscriptions: new SubscriptionStore(),
    customers: new Map(),
    checkoutSessions: [],
    portalSessions: [],
    charges: new Map(),
    disputes: new Map(),
    invoices: new Map(),
    invoicePayments: new Map(),
    requests: [],
    failNext: (match, status = 500, times = 1) => failures.push({ ...match, status, times }),
    put: (subscription) => void fake.subscriptions.set(subscription.id, structuredClone(subscription)),
    latencyMs: 0,
    holdNext: (match) => {
      let arrived!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ ...match, arrived, released });
      return { reached, release };
    },
  };

  /** The answer is taken from the state now and written after the latency: what a slow network does. */
  const send = (res: ServerResponse, status: number, body: unknown, held?: Promise<void>) => {
    const text = JSON.stringify(body);
    if (held) return void held.then(() => write(res, status, text));
    const delay = Math.random() * fake.latencyMs;
    if (delay < 1) write(res, status, text);
    else setTimeout(() => write(res, status, text), delay);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error) => send(res, 500, apiError("api_error", String(error))));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const body = method === "POST" ? parseForm(await readBody(req)) : {};
    const query = parseForm(url.search.slice(1));
    fake.requests.push({ method, path: url.pathname, query, body });

    const failure = failures.find((f) => f.times > 0 && (!f.method || f.method === method) && f.path.test(url.pathname));
    if (failure) {
      failure.times--;
      return send(res, failure.status, apiError(failure.status >= 500 ? "api_error" : "invalid_request_error", "Injected failure"));
    }

    const holdAt = holds.findIndex((h) => (!h.method || h.method === method) && h.path.test(url.pathname));
    const hold = holdAt >= 0 ? holds.splice(holdAt, 1)[0] : undefined;
    hold?.arrived();
    const answer = (res: ServerResponse, status: number, body: unknown) => send(res, status, body, hold?.released);
    const route = `${method} ${url.pathname}`;
    let match: RegExpExecArray | null;
    if ((match = /^GET \/v1\/subscriptions\/([^/]+)$/.exec(route))) {
      const found = fake.subscriptions.get(match[1]!);
      return found ? send(res, 200, found) : send(res, 404, missing("subscription", match[1]!));
    }
    if ((match = /^DELETE \/v1\/subscriptions\/([^/]+)$/.exec(route))) {
      // Cancelling at once, as Stripe does: a subscription already ended can't be cancelled again.
      const found = fake.subscriptions.get(match[1]!);
      if (!found) return send(res, 404, missing("subscription", match[1]!));
      if (found.status === "canceled" || found.status === "incomplete_expired") {
        return send(res, 400, apiError("invalid_request_error", `This subscription is already ${found.status}.`));
      }
      const at = Math.floor(Date.now() / 1000);
      Object.assign(found, { status: "canceled", canceled_at: at, ended_at: at, cancel_at_period_end: false });
      return answer(res, 200, found);
    }
    if (route === "GET /v1/subscriptions") {
      // Kept sorted and grouped by customer, so a page costs the same among 50,000 subscriptions as among ten.
      return answer(res, 200, (fake.subscriptions as SubscriptionStore).page(query));
    }
    if (route === "GET /v1/invoices") {
      const all = [...fake.invoices.values()]
        .filter((i) => !query.subscription || StripeObjects.subscriptionOfInvoice(i) === query.subscription)
        .filter((i) => !query.customer || i.customer === query.customer)
        .filter((i) => !query.status || i.status === query.status)
        .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
      return answer(res, 200, page(all, query, "/v1/invoices"));
    }
    if (route === "GET /v1/customers") {
      // Stripe's `email` filter is exact (and case-sensitive); deleted customers are not listed.
      const all = [...fake.customers.values()]
        .filter((c): c is Stripe.Customer => !c.deleted && (!query.email || c.email === query.email))
        .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
      return answer(res, 200, page(all, query, "/v1/customers"));
    }
    if ((match = /^DELETE \/v1\/customers\/([^/]+)$/.exec(route))) {
      // Deleting a customer cancels its subscriptions at once, as Stripe does.
      const found = fake.customers.get(match[1]!);
      if (!found || found.deleted) return send(res, 404, missing("customer", match[1]!));
      const deleted = { id: found.id, object: "customer", deleted: true } as Stripe.DeletedCustomer;
      fake.customers.set(found.id, deleted);
      const at = Math.floor(Date.now() / 1000);
      for (const s of fake.subscriptions.values()) {
        if (s.customer === found.id && s.status !== "canceled" && s.status !== "incomplete_expired") {
          Object.assign(s, { status: "canceled", canceled_at: at, ended_at: at, cancel_at_period_end: false });
        }
      }
      return answer(res, 200, deleted);
    }
    if ((match = /^GET \/v1\/customers\/([^/]+)$/.exec(route))) {
      const found = fake.customers.get(match[1]!);
      return found ? send(res, 200, found) : send(res, 404, missing("customer", match[1]!));
    }
    if (route === "POST /v1/customers") {
      const created = makeCustomer({
        id: newId("cus"),
        email: (body.email as string) ?? null,
        name: (body.name as string) ?? null,
        metadata: (body.metadata as Record<string, string>) ?? {},
      });
      fake.customers.set(created.id, created);
      return answer(res, 200, created);
    }
    if ((match = /^GET \/v1\/(charges|disputes|invoices)\/([^/]+)$/.exec(route))) {
      const [, kind, id] = match as unknown as [string, "charges" | "disputes" | "invoices", string];
      const found = fake[kind].get(id);
      return found ? answer(res, 200, found) : answer(res, 404, missing(kind.slice(0, -1), id));
    }
    if (route === "GET /v1/disputes") {
      const all = [...fake.disputes.values()]
        .filter((d) => (!query.charge || d.charge === query.charge) && (!query.payment_intent || d.payment_intent === query.payment_intent))
        .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
      return answer(res, 200, page(all, query, "/v1/disputes"));
    }
    if (route === "GET /v1/invoice_payments") {
      const payment = (query.payment ?? {}) as Record<string, string>;
      const all = [...fake.invoicePayments.values()]
        .filter((p) => !query.invoice || p.invoice === query.invoice)
        .filter((p) => !payment.type || p.payment.type === payment.type)
        .filter((p) => !payment.payment_intent || p.payment.payment_intent === payment.payment_intent)
        .filter((p) => !query.status || p.status === query.status)
        .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
      return answer(res, 200, page(all, query, "/v1/invoice_payments"));
    }
    if (route === "POST /v1/checkout/sessions") {
      if (body.customer && !fake.customers.has(body.customer as string)) return answer(res, 400, missing("customer", body.customer as string));
      const session = checkoutSession({
        customer: (body.customer as string) ?? null,
        subscription: null,
        clientReferenceId: (body.client_reference_id as string) ?? null,
        metadata: (body.metadata as Record<string, string>) ?? {},
        email: body.customer_email as string | undefined,
        mode: body.mode as Stripe.Checkout.Session.Mode,
      });
      Object.assign(session, {
        status: "open",
        payment_status: "unpaid",
        customer_email: body.customer_email ?? null,
        success_url: body.success_url,
        cancel_url: body.cancel_url,
        url: `https://checkout.stripe.com/c/pay/${session.id}`,
      });
      fake.checkoutSessions.push({ params: body, session });
      return answer(res, 200, session);
    }
    if (route === "POST /v1/billing_portal/sessions") {
      const customer = body.customer as string;
      if (!fake.customers.has(customer)) return answer(res, 400, missing("customer", customer));
      const session = portalSession({ customer, returnUrl: body.return_url as string });
      fake.portalSessions.push({ params: body, session });
      return answer(res, 200, session);
    }
    return answer(res, 404, apiError("invalid_request_error", `Unrecognized request URL (${route}) in the fake Stripe`));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** One page of a list, the way Stripe paginates (`limit`, `starting_after`, `has_more`). */
function page<T extends { id: string }>(all: T[], query: Record<string, unknown>, url: string) {
  const limit = Math.min(Number(query.limit ?? 10), 100);
  const after = query.starting_after as string | undefined;
  const from = after ? all.findIndex((item) => item.id === after) + 1 : 0;
  const data = all.slice(from, from + limit);
  return { object: "list", url, has_more: from + limit < all.length, data };
}

function apiError(type: string, message: string, extra: Record<string, unknown> = {}) {
  return { error: { type, message, ...extra } };
}

const missing = (what: string, id: string) =>
  apiError("invalid_request_error", `No such ${what}: '${id}'`, { code: "resource_missing", param: "id" });

function write(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { "content-type": "application/json", "request-id": `req_${newId("fake")}` });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Stripe's form encoding (`a[b][0][c]=v`) back into objects and arrays. */
export function parseForm(text: string): Record<string, unknown> {
  const root: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.split(/\[|\]\[|\]/).filter((part) => part !== "");
    let node: any = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = node[part] ??= /^\d+$/.test(path[i + 1]!) ? [] : {};
    });
  }
  return root;
}
