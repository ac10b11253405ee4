/**
 * Stripe, the adapter: the API client (from configuration, lazily) and webhook verification. The rules of what
 * Stripe's events mean for patrons live in `core/patrons`; ordering and retries are explained in README.md here.
 */
export { isConfigured, notConfigured, resetClient, stripe, type Stripe } from "./client";
export { verify, TOLERANCE_SECONDS } from "./webhooks";
export * as Objects from "./objects";
