/**
 * Memberships against the local stack and the fake Stripe: `useFakeStripe()` starts the fake for a test file and
 * points the app at it (STRIPE_API_BASE, test keys, two webhook secrets); `deliver()` posts a signed event to
 * `POST /webhooks/stripe` in process, as Stripe would.
 */
import { afterAll, beforeAll } from "vitest";
import * as Config from "../../core/config";
import * as StripeApi from "../../core/stripe";
import type Stripe from "stripe";
import { startFakeStripe, type FakeStripe } from "./fake-stripe";
import { request } from "./http";
import { SECRET_KEY, WEBHOOK_SECRETS, customer, signed, subscription, type SubscriptionFields } from "./stripe-objects";

/** Call after `useLocalStack()`: the file's fake Stripe, started before its tests and stopped after. */
export function useFakeStripe(): { readonly fake: FakeStripe } {
  const holder = {} as { fake: FakeStripe };
  beforeAll(async () => {
    holder.fake = await startFakeStripe();
    process.env.STRIPE_SECRET_KEY = SECRET_KEY;
    process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRETS.join(",");
    process.env.STRIPE_API_BASE = holder.fake.url;
    process.env.GRACE_DAYS = "7";
    Config.reset();
    StripeApi.resetClient();
  });
  afterAll(async () => {
    await holder.fake?.close();
  });
  return holder;
}

/** Call inside a `describe`: its tests run with the Stripe settings `names` unset, as without keys, and get them back after. */
export function withoutStripeSettings(names: readonly string[]): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const name of names) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    Config.reset();
    StripeApi.resetClient();
  });
  afterAll(() => {
    Object.assign(process.env, saved);
    Config.reset();
    StripeApi.resetClient();
  });
}

/** Posts `event` to the webhook, signed (by default) with the current secret. */
export function deliver(event: Stripe.Event, options: { secret?: string; timestamp?: number } = {}) {
  const { body, headers } = signed(event, options);
  return request("/webhooks/stripe", { method: "POST", headers, body });
}

/** A response's JSON body, for asserting on its fields. */
export const body = async (response: Response): Promise<any> => response.json();

/** A customer and its subscription at Stripe (the fake), as after a completed checkout. */
export function stripeMember(fake: FakeStripe, fields: { email: string; subscription: Omit<SubscriptionFields, "customer"> }) {
  const cus = customer({ email: fields.email });
  fake.customers.set(cus.id, cus);
  const sub = subscription({ ...fields.subscription, customer: cus.id });
  fake.put(sub);
  return { customer: cus, subscription: sub };
}
