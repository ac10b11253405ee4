/**
 * The stand-in's webhook sender: each event posted to the endpoint as Stripe posts it, its body signed with the
 * endpoint's secret by the `stripe` package (`generateTestHeaderString`, Stripe's own scheme), and sent again on an
 * answer other than 2xx or none at all. Stripe retries for three days; the stand-in a few times within seconds,
 * then records the failure and goes on with the next event, as Stripe does.
 */
import type Stripe from "stripe";
import type { Events } from "./actions";
import { event as makeEvent, signed } from "./objects";
import type { Delivery } from "./state";

export interface Endpoint {
  /** The app's webhook URL, e.g. `http://127.0.0.1:3000/webhooks/stripe`. */
  url: string;
  /** Its signing secret (`whsec_…`). */
  secret: string;
}

/** Waits between attempts: the first is at once. */
const RETRY_DELAYS_MS = [0, 250, 1000, 2000];

/** Sends events of these types about these objects (snapshots taken now), one after another; returns how each went. */
export async function sendEvents(endpoint: Endpoint, events: Events): Promise<Delivery[]> {
  const made = events.map(([type, object, previous]) => {
    const event = makeEvent(type, structuredClone(object));
    if (previous) (event.data as { previous_attributes?: object }).previous_attributes = structuredClone(previous);
    return event;
  });
  const deliveries: Delivery[] = [];
  for (const event of made) deliveries.push(await deliver(endpoint, event));
  return deliveries;
}

async function deliver(endpoint: Endpoint, event: Stripe.Event): Promise<Delivery> {
  const delivery: Delivery = { event, status: 0, attempts: 0 };
  for (const delay of RETRY_DELAYS_MS) {
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    delivery.attempts++;
    // Signed again for each attempt, as Stripe does: the signature's timestamp is the attempt's.
    const { body, headers } = signed(event, { secret: endpoint.secret });
    try {
      const response = await fetch(endpoint.url, { method: "POST", headers: { ...headers, "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" }, body });
      delivery.status = response.status;
      await response.body?.cancel();
      if (response.ok) return delivery;
    } catch {
      delivery.status = 0;
    }
  }
  console.warn(`Stripe stand-in: ${event.type} ${event.id} not accepted by ${endpoint.url} (last answer ${delivery.status || "none"}) after ${delivery.attempts} attempts`);
  return delivery;
}
