/**
 * The home page's sign-up form (it posts to `POST /api/subscribe`, which answers a browser with a page) and the
 * unsubscribed page's undo, `POST /resubscribe`: a new opt-in confirmed by email, never a silent resubscribe.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Config from "../../config";
import * as Db from "../../db";
import * as Subscribers from "../../subscribers";
import { clientIp } from "../client-ip";
import { form, htmlPage } from "../openapi";
import { ResubscribedPage, SubscribePage } from "../pages/subscribe";

export const subscribePages = new OpenAPIHono();

subscribePages.openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "Home page: the sign-up form (posts to /api/subscribe)",
    responses: { 200: htmlPage("The sign-up form") },
  }),
  async (c) => {
    const topics = await Db.Topics.byStatus(["open", "closed", "covered"]);
    return c.html(<SubscribePage outletName={Config.get().OUTLET_NAME} topics={topics} />, 200);
  },
);

subscribePages.openapi(
  createRoute({
    method: "post",
    path: "/resubscribe",
    summary: "Undo an unsubscribe: a new opt-in, confirmed by email",
    description: "Takes the unsubscribe link's token. Sends a confirmation email (within the per-address limit) and says so.",
    request: { body: form(z.object({ token: z.string().max(400) })) },
    responses: {
      200: htmlPage("Check your inbox (or: subscribed already)"),
      400: htmlPage("Invalid link"),
      404: htmlPage("Nothing held for this address any more"),
      429: htmlPage("Too many sign-ups from this network"),
    },
  }),
  async (c) => {
    const context = { ip: clientIp(c), userAgent: c.req.header("user-agent") };
    const outcome = await Subscribers.resubscribe(c.req.valid("form").token, context);
    return c.html(<ResubscribedPage outcome={outcome} />, 200);
  },
);
