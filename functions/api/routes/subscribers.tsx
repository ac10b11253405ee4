/**
 * Subscribers over HTTP, sign-up to unsubscribe: `POST /api/subscribe` (JSON, or the home page's no-JavaScript
 * form, answered with a page), the home page, and the confirm, preferences and unsubscribe pages with the
 * unsubscribed page's undo (`POST /resubscribe`: a new opt-in confirmed by email, never a silent resubscribe).
 * A GET only shows a page whose button POSTs (link scanners open links); the one state change without a page is
 * the RFC 8058 one-click POST to the unsubscribe URL. Editors' list tools are in `subscribers-admin.ts`.
 * A page reached by a subscriber's link speaks their language (`speakTo`); the home page and its answer speak the
 * visitor's (the answer, the language they chose on the form).
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { JSX } from "hono/jsx/jsx-runtime";
import * as Config from "../../../core/config";
import { pageSource, sourceOr } from "../../../core/stats/attribution";
import { srcQuery } from "../../../core/stats/attribution-input";
import * as Subscribers from "../../../core/subscribers";
import * as Tokens from "../../../core/tokens";
import { clientIp } from "../client-ip";
import { browserAsks } from "../errors";
import { currentLanguage, speakTo } from "../language";
import { form, htmlPage, jsonError, tokenQuery } from "../openapi";
import {
  CheckInboxPage,
  ConfirmPage,
  ConfirmedPage,
  PreferencesPage,
  ResubscribedPage,
  SubscribePage,
  UnsubscribePage,
  UnsubscribedPage,
} from "../views/subscribers";

export const subscriberRoutes = new OpenAPIHono();

subscriberRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/subscribe",
    summary: "Sign up (double opt-in)",
    description:
      "Records a pending sign-up and emails a confirmation link. Answers the same 202 whatever the address's " +
      "state, so it reveals nothing about who is subscribed. A browser's form post (Accept: text/html) gets a page " +
      "saying to check the inbox, and its errors as pages. `language` (one of LANGUAGES: `en`, `uk`) is the language " +
      "of their emails and of the pages their links open; without it, the language of the request (`?lang=`, the " +
      "language cookie, then `Accept-Language`). A language we do not write in is a 400. `source` says where the " +
      "sign-up came from (`article:<id>`, `digest:<id>`, `page:/<path>`, `email:<name>`; anything else is a 400), kept " +
      "with the consent and counted in `GET /api/stats/sources`; a form's hidden `source` that is not one is ignored.",
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
      400: jsonError("Invalid address, name, topics, frequency or language"),
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
    const language = input.language ?? currentLanguage();
    speakTo(language);
    // A form's sign-up without a (good) hidden `source` counts as the home page's, whose form it is.
    const source = input.source ?? (isJson ? undefined : pageSource("/"));
    await Subscribers.signup({ ...input, language, ...(source && { source }) }, {
      ip: clientIp(c),
      userAgent: c.req.header("user-agent"),
      source: isJson ? "api" : "form",
    });
    // A no-JavaScript form (the home page's, or one on the outlet's site) gets a page, not JSON.
    if (!isJson && browserAsks(c)) return c.html(CheckInboxPage(), 202);
    return c.json({ status: "pending" as const }, 202);
  },
);

const tokenForm = z.object({ token: z.string().max(400) });
const pageErrors = { 400: htmlPage("Invalid or expired link"), 404: htmlPage("No longer subscribed") };

/** A GET that only checks its link token and shows a page whose button POSTs. */
function buttonPage(path: string, purpose: Tokens.Purpose, summary: string, Page: (props: { token: string }) => JSX.Element) {
  subscriberRoutes.openapi(
    createRoute({
      method: "get",
      path,
      summary,
      request: { query: tokenQuery },
      responses: { 200: htmlPage("Page with a button that POSTs"), ...pageErrors },
    }),
    async (c) => {
      const { token } = c.req.valid("query");
      Tokens.verify(token, purpose);
      speakTo(await Subscribers.languageOfLink(token, purpose));
      return c.html(<Page token={token} />, 200);
    },
  );
}

buttonPage("/confirm", "confirm", "Confirmation page (button POSTs)", ConfirmPage);
buttonPage("/unsubscribe", "unsubscribe", "Unsubscribe page (button POSTs)", UnsubscribePage);

subscriberRoutes.openapi(
  createRoute({
    method: "post",
    path: "/confirm",
    summary: "Confirm a sign-up",
    request: { body: form(tokenForm) },
    responses: { 200: htmlPage("Subscribed"), ...pageErrors },
  }),
  async (c) => {
    const { subscriber, alreadyActive } = await Subscribers.confirm(c.req.valid("form").token);
    speakTo(subscriber.language);
    return c.html(<ConfirmedPage alreadyActive={alreadyActive} manageUrl={Subscribers.manageUrl(subscriber.id)} />, 200);
  },
);

async function preferencesPage(token: string, subscriber: Subscribers.Subscriber, saved: boolean) {
  speakTo(subscriber.language);
  const topics = await Subscribers.followableTopics();
  const unsubscribeToken = Tokens.sign("unsubscribe", subscriber.id);
  return (
    <PreferencesPage subscriber={subscriber} topics={topics} token={token} unsubscribeToken={unsubscribeToken} saved={saved} />
  );
}

subscriberRoutes.openapi(
  createRoute({
    method: "get",
    path: "/preferences",
    summary: "Preferences page",
    request: { query: tokenQuery },
    responses: { 200: htmlPage("Topics, frequency, language, pause, name, unsubscribe"), ...pageErrors },
  }),
  async (c) => {
    const { token } = c.req.valid("query");
    const subscriber = await Subscribers.fromManageToken(token);
    return c.html(await preferencesPage(token, subscriber, false), 200);
  },
);

subscriberRoutes.openapi(
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

subscriberRoutes.openapi(
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
    if (oneClick) return c.text("Unsubscribed.", 200);
    speakTo(await Subscribers.languageOfLink(token, "unsubscribe"));
    return c.html(<UnsubscribedPage token={token} />, 200);
  },
);

subscriberRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "Home page: the sign-up form (posts to /api/subscribe)",
    request: { query: z.object({ src: srcQuery }) },
    responses: { 200: htmlPage("The sign-up form") },
  }),
  async (c) => {
    const topics = await Subscribers.followableTopics();
    const source = sourceOr(c.req.valid("query").src, "/");
    return c.html(<SubscribePage outletName={Config.get().OUTLET_NAME} topics={topics} source={source} />, 200);
  },
);

subscriberRoutes.openapi(
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
    const { token } = c.req.valid("form");
    speakTo(await Subscribers.languageOfLink(token, "unsubscribe"));
    const outcome = await Subscribers.resubscribe(token, context);
    return c.html(<ResubscribedPage outcome={outcome} />, 200);
  },
);
