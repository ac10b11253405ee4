/**
 * Confirm, preferences and unsubscribe pages. A GET only shows a page whose button POSTs (link scanners open
 * links); the one state change without a page is the RFC 8058 one-click POST to the unsubscribe URL.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { JSX } from "hono/jsx/jsx-runtime";
import * as Db from "../../db";
import * as Subscribers from "../../subscribers";
import * as Tokens from "../../tokens";
import { form, htmlPage, tokenQuery } from "../openapi";
import {
  ConfirmPage,
  ConfirmedPage,
  PreferencesPage,
  UnsubscribePage,
  UnsubscribedPage,
} from "../pages/subscriber-pages";

export const subscriberPages = new OpenAPIHono();

const tokenForm = z.object({ token: z.string().max(400) });
const pageErrors = { 400: htmlPage("Invalid or expired link"), 404: htmlPage("No longer subscribed") };

/** A GET that only checks its link token and shows a page whose button POSTs. */
function buttonPage(path: string, purpose: Tokens.Purpose, summary: string, Page: (props: { token: string }) => JSX.Element) {
  subscriberPages.openapi(
    createRoute({
      method: "get",
      path,
      summary,
      request: { query: tokenQuery },
      responses: { 200: htmlPage("Page with a button that POSTs"), ...pageErrors },
    }),
    (c) => {
      const { token } = c.req.valid("query");
      Tokens.verify(token, purpose);
      return c.html(<Page token={token} />, 200);
    },
  );
}

buttonPage("/confirm", "confirm", "Confirmation page (button POSTs)", ConfirmPage);
buttonPage("/unsubscribe", "unsubscribe", "Unsubscribe page (button POSTs)", UnsubscribePage);

subscriberPages.openapi(
  createRoute({
    method: "post",
    path: "/confirm",
    summary: "Confirm a sign-up",
    request: { body: form(tokenForm) },
    responses: { 200: htmlPage("Subscribed"), ...pageErrors },
  }),
  async (c) => {
    const { subscriber, alreadyActive } = await Subscribers.confirm(c.req.valid("form").token);
    return c.html(<ConfirmedPage alreadyActive={alreadyActive} manageUrl={Subscribers.manageUrl(subscriber.id)} />, 200);
  },
);

async function preferencesPage(token: string, subscriber: Subscribers.Subscriber, saved: boolean) {
  const topics = await Db.Topics.byStatus(["open", "closed", "covered"]);
  const unsubscribeToken = Tokens.sign("unsubscribe", subscriber.id);
  return (
    <PreferencesPage subscriber={subscriber} topics={topics} token={token} unsubscribeToken={unsubscribeToken} saved={saved} />
  );
}

subscriberPages.openapi(
  createRoute({
    method: "get",
    path: "/preferences",
    summary: "Preferences page",
    request: { query: tokenQuery },
    responses: { 200: htmlPage("Topics, frequency, pause, name, unsubscribe"), ...pageErrors },
  }),
  async (c) => {
    const { token } = c.req.valid("query");
    const subscriber = await Subscribers.fromManageToken(token);
    return c.html(await preferencesPage(token, subscriber, false), 200);
  },
);

subscriberPages.openapi(
  createRoute({
    method: "post",
    path: "/preferences",
    summary: "Save preferences",
    request: { body: form(tokenForm.extend(Subscribers.Input.preferences.shape)) },
    responses: { 200: htmlPage("Saved"), ...pageErrors },
  }),
  async (c) => {
    const { token, ...input } = c.req.valid("form");
    const subscriber = await Subscribers.updatePreferences(token, input);
    return c.html(await preferencesPage(token, subscriber, true), 200);
  },
);

subscriberPages.openapi(
  createRoute({
    method: "post",
    path: "/unsubscribe",
    summary: "Unsubscribe: RFC 8058 one-click, or the page's button",
    description: "Idempotent; works for every unsubscribe link ever sent. One-click bodies get a plain 200.",
    request: {
      query: tokenQuery.partial(),
      body: form(z.object({ token: z.string().max(400).optional(), "List-Unsubscribe": z.literal("One-Click").optional() })),
    },
    responses: {
      200: {
        description: "Unsubscribed",
        content: { "text/html": { schema: z.string() }, "text/plain": { schema: z.string() } },
      },
      400: htmlPage("Invalid link"),
    },
  }),
  async (c) => {
    const body = c.req.valid("form");
    const oneClick = body["List-Unsubscribe"] === "One-Click";
    const token = c.req.valid("query").token ?? body.token ?? "";
    await Subscribers.unsubscribe(token, oneClick ? "one-click" : "page");
    return oneClick ? c.text("Unsubscribed.", 200) : c.html(<UnsubscribedPage token={token} />, 200);
  },
);
