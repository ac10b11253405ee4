/**
 * The Stripe API client, built from configuration on first use (never at import time). `STRIPE_API_BASE` points
 * it somewhere else than Stripe's API (the tests' fake Stripe): plain `http(s)://host:port`, no retries, so a
 * test sees exactly the calls the code makes.
 *
 * The `stripe` package (a quarter of the API's bundle) is imported on first use, not with this module: bundled
 * with code splitting, only the functions and routes that call Stripe load it (see scripts/bundle.ts).
 */
import type Stripe from "stripe";
import * as Config from "../config";
import { VisibleError } from "../errors";

let client: Promise<Stripe> | undefined;

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

/** The client; rejects with the 503 `notConfigured()` without `STRIPE_SECRET_KEY`. */
export function stripe(): Promise<Stripe> {
  if (client) return client;
  const { STRIPE_SECRET_KEY, STRIPE_API_BASE } = Config.get();
  if (!STRIPE_SECRET_KEY) return Promise.reject(notConfigured());
  const created = connect(STRIPE_SECRET_KEY, STRIPE_API_BASE);
  created.catch(() => {
    if (client === created) client = undefined;
  });
  client = created;
  return created;
}

async function connect(secretKey: string, apiBase: string | undefined): Promise<Stripe> {
  const { default: Stripe } = await import("stripe");
  const base = apiBase ? new URL(apiBase) : undefined;
  return new Stripe(secretKey, {
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
}

/** Stripe's answer for an object that does not exist (or no longer does): a deleted and purged customer, say. */
export function isMissing(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === "resource_missing";
}

/** Forgets the client, so the next call reads the configuration again (tests that change it). */
export function resetClient(): void {
  client = undefined;
}

export type { Stripe };
