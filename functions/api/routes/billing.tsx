/**
 * The card-update link of the billing emails: `GET /billing/update?token=…` → 303 to Stripe's Billing Portal, on its
 * update-payment-method flow, for the patron and customer the token names. No sign-in: the token is the credential,
 * of a purpose no other route accepts. What it refuses is a page of its own (`views/billing.tsx`), changing nothing.
 * The domain code (and Stripe) and the page load on first use, not with the app: a reader's cold start stays small.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { VisibleError } from "../../../core/errors";
import { clientIp } from "../client-ip";
import { htmlPage, tokenQuery } from "../openapi";

export const billingRoutes = new OpenAPIHono();

billingRoutes.openapi(
  createRoute({
    method: "get",
    path: "/billing/update",
    summary: "A billing email's card-update link: to Stripe's Billing Portal, on the payment method update",
    request: { query: tokenQuery },
    responses: {
      303: { description: "To the Billing Portal session", headers: z.object({ location: z.string() }) },
      400: htmlPage("The link is not valid, or has expired"),
      404: htmlPage("Nobody here any more, or the billing account is no longer theirs"),
      429: htmlPage("Too many links opened from this network"),
      503: htmlPage("Stripe not configured, or not reachable"),
    },
  }),
  async (c) => {
    const { openBillingUpdate } = await import("../../../core/patrons/billing-link");
    try {
      const { url } = await openBillingUpdate(c.req.valid("query").token, { ip: clientIp(c) });
      return c.redirect(url, 303);
    } catch (error) {
      const { BillingLinkPage, isRefusalCode } = await import("../views/billing");
      if (!(error instanceof VisibleError) || !isRefusalCode(error.code)) throw error;
      if (error.details?.retryAfterSeconds !== undefined) c.header("Retry-After", String(error.details.retryAfterSeconds));
      return c.html(<BillingLinkPage code={error.code} />, error.status as 400 | 404 | 429 | 503);
    }
  },
);
