/**
 * A signed-in reader's privacy: their data as JSON, and erasing it (JSON for API clients; the account page's
 * form posts to `/account/delete` and gets a page). Cookie POSTs are Origin-checked by `requireSession`.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Privacy from "../../../core/privacy";
import { form, htmlPage, json, jsonError } from "../openapi";
import { ERASE_FORM_PATH, EXPORT_PATH, ErasedPage } from "../views/privacy";
import { clearSessionCookie, requireSession } from "../session";

export const privacyRoutes = new OpenAPIHono();

const signedInErrors = {
  401: jsonError("Not signed in"),
  403: jsonError("A cookie-authenticated request from another origin"),
};

privacyRoutes.openapi(
  createRoute({
    method: "get",
    path: EXPORT_PATH,
    summary: "Everything held about the signed-in reader, as JSON",
    description:
      "Profile and consent record, membership (with its Stripe ids), deliveries, votes, proposed topics, sign-in " +
      "records and sessions (times only). Sent as a download (`Content-Disposition: attachment`).",
    middleware: [requireSession] as const,
    responses: { 200: json("The reader's data", z.object({ exportedAt: z.string() }).passthrough()), ...signedInErrors },
  }),
  async (c) => {
    const data = await Privacy.exportData(c.var.subscriber.id);
    c.header("Content-Disposition", `attachment; filename="your-data-${data.exportedAt.slice(0, 10)}.json"`);
    return c.json(data, 200);
  },
);

const erased = z.object({
  erased: z.literal(true),
  deliveries: z.number().openapi({ description: "Deliveries kept only as anonymous counts" }),
  votes: z.number().openapi({ description: "Votes kept only as anonymous tallies" }),
  cancelledSubscriptions: z.number().openapi({ description: "Live Stripe membership subscriptions cancelled at once" }),
});

privacyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/account/delete",
    summary: "Erase the signed-in reader",
    description:
      "Deletes their address, name, preferences, consent record, membership record (the Stripe customer id is " +
      "detached; its later webhooks are ignored), sign-in records and sessions; their deliveries and votes stay as " +
      "anonymous records, so digest counts and topic scores do not change. All email stops at once, queued " +
      "deliveries included. A live membership subscription is cancelled at once through Stripe (503 when Stripe is " +
      "not configured here, and nothing is erased). Ends the session. Safe to retry.",
    middleware: [requireSession] as const,
    responses: { 200: json("Erased", erased), ...signedInErrors, 503: jsonError("A live membership, and Stripe is not configured") },
  }),
  async (c) => {
    const report = await Privacy.erase(c.var.subscriber.id);
    clearSessionCookie(c);
    return c.json({ erased: true as const, ...report }, 200);
  },
);

privacyRoutes.openapi(
  createRoute({
    method: "post",
    path: ERASE_FORM_PATH,
    summary: "The account page's erase form: erases the signed-in reader, then a page saying so",
    middleware: [requireSession] as const,
    request: { body: form(z.object({ confirm: z.literal("yes").openapi({ description: "The tick: I understand" }) })) },
    responses: {
      200: htmlPage("Your data is erased"),
      303: { description: "Not signed in; to the sign-in page", headers: z.object({ location: z.string() }) },
      400: htmlPage("The box was not ticked"),
      403: htmlPage("A request from another origin"),
    },
  }),
  async (c) => {
    // Said in their language (the session's middleware read it before anything is erased).
    await Privacy.erase(c.var.subscriber.id);
    clearSessionCookie(c);
    return c.html(<ErasedPage />, 200);
  },
);
