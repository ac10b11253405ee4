import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Subscribers from "../../subscribers";
import { clientIp } from "../client-ip";
import { browserAsks } from "../errors";
import { jsonError } from "../openapi";
import { CheckInboxPage } from "../pages/subscribe";

export const publicRoutes = new OpenAPIHono();

publicRoutes.openapi(
  createRoute({
    method: "get",
    path: "/healthz",
    summary: "Liveness",
    responses: { 200: { description: "Up", content: { "application/json": { schema: z.object({ ok: z.boolean() }) } } } },
  }),
  (c) => c.json({ ok: true }, 200),
);

publicRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/subscribe",
    summary: "Sign up (double opt-in)",
    description:
      "Records a pending sign-up and emails a confirmation link. Answers the same 202 whatever the address's " +
      "state, so it reveals nothing about who is subscribed. A browser's form post (Accept: text/html) gets a page " +
      "saying to check the inbox, and its errors as pages.",
    request: {
      body: {
        content: {
          "application/json": { schema: Subscribers.Input.signup },
          "application/x-www-form-urlencoded": { schema: Subscribers.Input.signupForm },
        },
        required: false,
      },
    },
    responses: {
      202: {
        description: "Accepted",
        content: {
          "application/json": { schema: z.object({ status: z.literal("pending") }) },
          "text/html": { schema: z.string() },
        },
      },
      400: jsonError("Invalid address, name or topics"),
      413: jsonError("Body too large"),
      415: jsonError("Neither JSON nor a form"),
      429: jsonError("Too many sign-ups from this network"),
    },
  }),
  async (c) => {
    const isJson = /json/i.test(c.req.header("content-type") ?? "");
    // Both body shapes are declared optional so either may come; validate whichever did (or the missing one).
    const input = isJson
      ? Subscribers.Input.signup.parse(c.req.valid("json"))
      : Subscribers.Input.signupForm.parse(c.req.valid("form"));
    await Subscribers.signup(input, {
      ip: clientIp(c),
      userAgent: c.req.header("user-agent"),
      source: isJson ? "api" : "form",
    });
    // A no-JavaScript form (the home page's, or one on the outlet's site) gets a page, not JSON.
    if (!isJson && browserAsks(c)) return c.html(CheckInboxPage(), 202);
    return c.json({ status: "pending" as const }, 202);
  },
);
