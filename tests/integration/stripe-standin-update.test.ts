/**
 * The Stripe stand-in's `POST /v1/subscriptions/:id`, driven by the real `stripe` package as the app drives it:
 * pausing collection and unsetting it (`pause_collection: ""`), cancelling at the period's end with the survey's
 * feedback, metadata merged; `Idempotency-Key` replayed for the same parameters and refused for others; in hosted
 * mode each change sends a signed `customer.subscription.updated` with the previous values, and a pause resumes at
 * its `resumes_at` with one more. Here the webhook endpoint is a small server that keeps what it is sent.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeStandIn, type StripeStandIn } from "../../scripts/stripe-standin";
import { customer, subscription } from "../helpers/stripe-objects";

const SECRET = "whsec_standin_update_0123456789";
let endpoint: Server;
let standIn: StripeStandIn;
let stripe: Stripe;
const received: Stripe.Event[] = [];

beforeAll(async () => {
  endpoint = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      // Signed as Stripe signs: the real package verifies it.
      received.push(Stripe.webhooks.constructEvent(Buffer.concat(chunks).toString("utf8"), String(req.headers["stripe-signature"]), SECRET));
      res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
  standIn = await startStripeStandIn({ webhook: { url: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/`, secret: SECRET } });
  const { hostname, port } = new URL(standIn.url);
  stripe = new Stripe("sk_test_standin_update", { host: hostname, port: Number(port), protocol: "http", maxNetworkRetries: 0 });
});

afterAll(async () => {
  await standIn?.close();
  endpoint?.closeAllConnections();
  await new Promise((resolve) => endpoint?.close(resolve));
});

/** A customer's active monthly subscription at the stand-in. */
function member(metadata: Record<string, string> = {}) {
  const cus = customer({ email: "pause@example.com" });
  standIn.customers.set(cus.id, cus);
  const sub = subscription({ customer: cus.id, status: "active", priceId: "price_coffee", metadata });
  standIn.put(sub);
  return sub;
}

/** The events received about one subscription, once the stand-in has sent them (it sends after answering). */
async function eventsOf(id: string, count: number): Promise<Stripe.Event[]> {
  const about = () => received.filter((e) => (e.data.object as { id: string }).id === id);
  for (let tries = 0; about().length < count && tries < 200; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
  return about();
}

describe("POST /v1/subscriptions/:id", () => {
  it("pauses collection and unsets it, each change sent as customer.subscription.updated with its previous values", async () => {
    const sub = member();
    const resumesAt = Math.floor(Date.now() / 1000) + 30 * 86_400;

    const paused = await stripe.subscriptions.update(sub.id, { pause_collection: { behavior: "void", resumes_at: resumesAt } });
    expect(paused.status).toBe("active");
    expect(paused.pause_collection).toEqual({ behavior: "void", resumes_at: resumesAt });

    const resumed = await stripe.subscriptions.update(sub.id, { pause_collection: "" });
    expect(resumed.pause_collection).toBeNull();
    expect((await stripe.subscriptions.retrieve(sub.id)).pause_collection).toBeNull();

    const [first, second] = await eventsOf(sub.id, 2);
    expect(first!.type).toBe("customer.subscription.updated");
    expect((first!.data.object as Stripe.Subscription).pause_collection).toEqual({ behavior: "void", resumes_at: resumesAt });
    expect(first!.data.previous_attributes).toEqual({ pause_collection: null });
    expect(second!.data.previous_attributes).toEqual({ pause_collection: { behavior: "void", resumes_at: resumesAt } });
  });

  it("resumes a pause at resumes_at by itself (resumeDue), and not before", async () => {
    const sub = member();
    const resumesAt = Math.floor(Date.now() / 1000) + 60 * 86_400;
    await stripe.subscriptions.update(sub.id, { pause_collection: { behavior: "void", resumes_at: resumesAt } });
    await eventsOf(sub.id, 1);

    expect((await standIn.resumeDue(resumesAt - 1)).filter(([, object]) => (object as { id: string }).id === sub.id)).toEqual([]);
    const due = await standIn.resumeDue(resumesAt);

    expect(due.map(([type, object]) => [type, (object as { id: string }).id])).toEqual([["customer.subscription.updated", sub.id]]);
    expect(standIn.subscriptions.get(sub.id)!.pause_collection).toBeNull();
    const [, resumed] = await eventsOf(sub.id, 2);
    expect((resumed!.data.object as Stripe.Subscription).pause_collection).toBeNull();
  });

  it("cancels at the period's end with the survey's feedback, merges metadata, and refuses a bad value with 400, changing nothing", async () => {
    const sub = member({ subscriberId: "sub_reader", keep: "yes" });

    const cancelling = await stripe.subscriptions.update(sub.id, {
      cancel_at_period_end: true,
      cancellation_details: { feedback: "too_expensive", comment: "Back in spring" },
      metadata: { keep: "", source: "article:a1" },
    });

    expect(cancelling).toMatchObject({ cancel_at_period_end: true, cancel_at: sub.items.data[0]!.current_period_end });
    expect(cancelling.cancellation_details).toMatchObject({ reason: "cancellation_requested", feedback: "too_expensive", comment: "Back in spring" });
    expect(cancelling.metadata).toEqual({ subscriberId: "sub_reader", source: "article:a1" });
    await expect(stripe.subscriptions.update(sub.id, { cancellation_details: { feedback: "bored" as "other" } })).rejects.toMatchObject({ statusCode: 400 });
    await expect(stripe.subscriptions.update(sub.id, { pause_collection: { behavior: "sleep" as "void" } })).rejects.toMatchObject({ statusCode: 400 });
    await expect(stripe.subscriptions.update("sub_nobody", { metadata: { a: "b" } })).rejects.toMatchObject({ statusCode: 404 });
    expect(standIn.subscriptions.get(sub.id)).toMatchObject({ pause_collection: null, cancellation_details: { feedback: "too_expensive" } });
  });

  it("replays an idempotent request's answer (one change, one event) and refuses its key with other parameters", async () => {
    const sub = member();
    const resumesAt = Math.floor(Date.now() / 1000) + 30 * 86_400;
    const params = { pause_collection: { behavior: "void" as const, resumes_at: resumesAt } };

    const first = await stripe.subscriptions.update(sub.id, params, { idempotencyKey: `pause-${sub.id}` });
    standIn.put({ ...standIn.subscriptions.get(sub.id)!, pause_collection: null }); // changed since (a resume elsewhere)
    const replayed = await stripe.subscriptions.update(sub.id, params, { idempotencyKey: `pause-${sub.id}` });

    expect(replayed.pause_collection).toEqual(first.pause_collection);
    expect(standIn.subscriptions.get(sub.id)!.pause_collection).toBeNull(); // the replay changed nothing
    await expect(stripe.subscriptions.update(sub.id, { pause_collection: "" }, { idempotencyKey: `pause-${sub.id}` })).rejects.toMatchObject({
      type: "StripeIdempotencyError",
      statusCode: 400,
    });
    expect(standIn.requests.filter((r) => r.path === `/v1/subscriptions/${sub.id}`).map((r) => r.idempotencyKey)).toEqual([
      `pause-${sub.id}`,
      `pause-${sub.id}`,
      `pause-${sub.id}`,
    ]);
    expect(await eventsOf(sub.id, 1)).toHaveLength(1);
  });
});
