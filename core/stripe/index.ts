/**
 * Stripe, the adapter: the API client (from configuration, lazily), webhook verification and the API versions of
 * events, reading Stripe's objects (of older versions too), a charge with its disputes and invoice. The rules of
 * what Stripe's events mean for patrons live in `core/patrons`; ordering and retries are explained in README.md.
 */
export { isConfigured, isMissing, notConfigured, resetClient, stripe, type Stripe } from "./client";
export { verify, TOLERANCE_SECONDS } from "./webhooks";
export * as Objects from "./objects";
export * as Charges from "./charges";
export * as Versions from "./versions";
