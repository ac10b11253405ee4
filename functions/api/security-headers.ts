/**
 * The Content-Security-Policy of every response. A script that runs on our origin passes the session's Origin
 * check and rides the session cookie, so the pages allow no script at all, the one `<style>` of the layout by its
 * hash, no framing (clickjacking a vote or a sign-out), and forms that post only to us, or through our redirects to
 * Stripe Checkout and the Billing Portal (or the local Stripe stand-in's pages). A route that needs more (`/docs`, an email's preview) sets its own
 * policy with `policy()`, which keeps every one of these limits but the sources it widens.
 */
import type { MiddlewareHandler } from "hono";
import * as Config from "../../core/config";
import { styleSource } from "./views/layout";

export const CSP = "Content-Security-Policy";

/**
 * Where the reader's browser goes after a form's POST to `/join` (Checkout) and `/account/billing` (the Billing
 * Portal): browsers apply `form-action` to the redirects that follow a submission, so without these the forms
 * would stop at our 303.
 */
export const STRIPE_FORM_TARGETS = ["https://checkout.stripe.com", "https://billing.stripe.com"] as const;

/**
 * The form targets of this configuration: Stripe's hosts, and STRIPE_API_BASE's origin when it is set, which is
 * where the local Stripe stand-in serves its Checkout and Billing Portal pages (`npm start` without keys, the
 * tests). Deployed it is not set, and the targets are Stripe's alone.
 */
export function stripeFormTargets(): string[] {
  let base: string | undefined;
  try {
    base = Config.get().STRIPE_API_BASE;
  } catch {
    base = undefined; // configuration unreadable: the answer is an error, and Stripe's hosts are enough for it
  }
  return base ? [...STRIPE_FORM_TARGETS, new URL(base).origin] : [...STRIPE_FORM_TARGETS];
}

export type Directives = Partial<Record<string, string[]>>;

const BASE: Directives = {
  "default-src": ["'self'"],
  // Pages work without JavaScript (spec/http-api.md): none is allowed, so an injected tag runs nothing.
  "script-src": ["'none'"],
  "style-src": [],
  "img-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "frame-ancestors": ["'none'"],
};

/** Directives a route may widen; framing, forms, `<base>` and plugins stay as they are everywhere. */
type Widenable = "script-src" | "style-src" | "img-src" | "connect-src" | "font-src";

/**
 * The policy with `sources` in place of the base's for the directives named (an empty list means `'none'`). Made
 * when asked, as its form targets come from configuration.
 */
export function policy(sources: Partial<Record<Widenable, string[]>> = {}): string {
  const directives = { ...BASE, "form-action": ["'self'", ...stripeFormTargets()], ...sources };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values!.length ? values!.join(" ") : "'none'"}`)
    .join("; ");
}

/**
 * `policy(sources)` for a document the dashboard shows in a frame of its own pages (an email's preview): framed by
 * our own origin only, where every other answer may be framed by nobody. The frame is sandboxed by the page that
 * holds it (no script, an opaque origin), and browsers that know `frame-ancestors` ignore the DENY of
 * X-Frame-Options beside it (older ones, which don't, show no preview: the safe way round).
 */
export function framedBySelfPolicy(sources: Partial<Record<Widenable, string[]>> = {}): string {
  return policy(sources).replace("frame-ancestors 'none'", "frame-ancestors 'self'");
}

/** The layout's `<style>`, if configuration can be read (when it can't, the answer is an error without it). */
function layoutStyle(): string[] {
  try {
    return [styleSource(Config.get().BRAND_COLOR)];
  } catch {
    return [];
  }
}

/** Sets the page policy on any response whose route did not set a policy of its own. */
export const contentSecurityPolicy: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has(CSP)) c.res.headers.set(CSP, policy({ "style-src": layoutStyle() }));
};
