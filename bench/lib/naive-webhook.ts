/**
 * The webhook most tutorials write, for comparison only (never part of the product): verify the signature, then
 * write the patron straight from the event's payload with one unconditional update. No claim per event id, no
 * re-fetch from Stripe, no version check: a duplicate is written again, and an older event that arrives last
 * leaves the patron in an older state. Same framework (Hono on Node), same DynamoDB item shape and logging as
 * the real route, so the difference measured is the safeguards'.
 *
 * Run as its own process (like `npm start`): PORT, DYNAMODB_ENDPOINT, TABLE_NAME, STRIPE_WEBHOOK_SECRET, TIERS.
 * Prints "naive webhook listening" when ready.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import Stripe from "stripe";
import * as keys from "../../core/db/keys";
import { log } from "../../core/log";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const table = env("TABLE_NAME");
const secret = env("STRIPE_WEBHOOK_SECRET");
const tierOf = new Map<string, string>(
  (JSON.parse(env("TIERS")) as Array<{ id: string; priceId: string }>).map((tier) => [tier.priceId, tier.id]),
);
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: env("DYNAMODB_ENDPOINT"),
    region: process.env.AWS_REGION ?? "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);

const statusOf: Record<string, string> = { active: "active", trialing: "active", past_due: "grace" };

/** What the payload says about whose patron, and what it now is. */
function fromPayload(event: Stripe.Event): { subscriberId: string; fields: Record<string, unknown> } | undefined {
  const object = event.data.object as any;
  const customer = typeof object.customer === "string" ? object.customer : object.customer?.id;
  switch (event.type) {
    case "checkout.session.completed":
      return object.client_reference_id ? { subscriberId: object.client_reference_id, fields: { status: "active", stripeCustomerId: customer } } : undefined;
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted": {
      const subscriberId = object.metadata?.subscriberId;
      const price = object.items?.data?.[0]?.price?.id;
      if (!subscriberId) return undefined;
      return {
        subscriberId,
        fields: {
          status: statusOf[object.status] ?? "lapsed",
          tierId: tierOf.get(price),
          stripeCustomerId: customer,
          stripeSubscriptionId: object.id,
          subscriptionStatus: object.status,
          cancelAtPeriodEnd: object.cancel_at_period_end,
        },
      };
    }
    case "invoice.paid":
    case "invoice.payment_failed": {
      const subscriberId = object.parent?.subscription_details?.metadata?.subscriberId;
      if (!subscriberId) return undefined;
      return { subscriberId, fields: { status: event.type === "invoice.paid" ? "active" : "grace", stripeCustomerId: customer } };
    }
    default:
      return undefined;
  }
}

const app = new Hono();
app.post("/webhooks/stripe", async (c) => {
  const raw = await c.req.text();
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(raw, c.req.header("stripe-signature") ?? "", secret, 300);
  } catch {
    return c.json({ error: { code: "invalid_signature", message: "Bad signature." } }, 400);
  }
  const patron = fromPayload(event);
  if (patron) {
    const fields: Record<string, unknown> = {
      ...patron.fields,
      ...keys.patron.byStatus(patron.fields.status as string, patron.subscriberId),
      ...(patron.fields.stripeCustomerId ? keys.patron.byCustomer(patron.fields.stripeCustomerId as string) : {}),
      entity: "patron",
      subscriberId: patron.subscriberId,
      updatedAt: new Date().toISOString(),
    };
    const set = Object.entries(fields).filter(([, value]) => value !== undefined);
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.patron.key(patron.subscriberId),
        UpdateExpression: `SET ${set.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
        ExpressionAttributeNames: Object.fromEntries(set.map(([name], i) => [`#f${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(set.map(([, value], i) => [`:v${i}`, value])),
      }),
    );
  }
  log.info({ event: "stripe.event", type: event.type, eventId: event.id }, "stripe event processed");
  return c.json({ received: true }, 200);
});

const port = Number(env("PORT"));
serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => console.log(`naive webhook listening on http://127.0.0.1:${port}`));
process.once("SIGTERM", () => process.exit(0));
