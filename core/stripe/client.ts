/**
 * The Stripe API client, built from configuration on first use (never at import time). `STRIPE_API_BASE` points
 * it somewhere else than Stripe's API (the tests' fake Stripe): plain `http(s)://host:port`, no retries, so a
 * test sees exactly the calls the code makes.
 */
import Stripe from "stripe";
import * as Config from "../config";
import { VisibleError } from "../errors";

let client: Stripe | undefined;

/** Whether memberships can work: a Stripe secret key is configured. */
export function isConfigured(): boolean {
  return Config.get().STRIPE_SECRET_KEY !== undefined;
}

/** The 503 every membership route answers when Stripe is not configured. */
export function notConfigured(): VisibleError {
  return new VisibleError(
    "unavailable",
    "stripe_not_configured",
    "Memberships are not available here: Stripe is not configured (set STRIPE_SECRET_KEY; see the README).",
  );
}

/** The client; throws the 503 `notConfigured()` without `STRIPE_SECRET_KEY`. */
export function stripe(): Stripe {
  if (client) return client;
  const { STRIPE_SECRET_KEY, STRIPE_API_BASE } = Config.get();
  if (!STRIPE_SECRET_KEY) throw notConfigured();
  const base = STRIPE_API_BASE ? new URL(STRIPE_API_BASE) : undefined;
  client = new Stripe(STRIPE_SECRET_KEY, {
    timeout: 10_000,
    // Stripe's own retries are safe (the SDK adds idempotency keys to POSTs); a fake API wants every call seen.
    maxNetworkRetries: base ? 0 : 2,
    appInfo: { name: "tidings" },
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === "https:" ? 443 : 80),
      protocol: base.protocol === "https:" ? ("https" as const) : ("http" as const),
    }),
  });
  return client;
}

/** Forgets the client, so the next call reads the configuration again (tests that change it). */
export function resetClient(): void {
  client = undefined;
}

export type { Stripe };
