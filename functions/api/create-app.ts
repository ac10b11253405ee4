/**
 * The Hono app, built from its route groups: the readers' and the API's (always), and any given after them (the
 * editors' dashboard, `app.ts`). Routes are grouped by domain, one file each in `routes/` (its pages in the `views/`
 * file of the same name), and described in the OpenAPI document they are served with. Deployed, the API function
 * builds it without the dashboard (`functions/api.ts`), which keeps a reader's cold start small; the dashboard's
 * function serves the whole app (`functions/dashboard.ts`), as `npm start` and the tests do.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import * as Config from "../../core/config";
import { VisibleError } from "../../core/errors";
import * as SignIn from "../../core/signin";
import { EDITOR_IMPORT_PATH } from "./dashboard-paths";
import { invalidRequest, notFound, onError } from "./errors";
import { language } from "./language";
import { contentSecurityPolicy } from "./security-headers";
import { accountRoutes } from "./routes/account";
import { pauseRoutes } from "./routes/pause";
import { billingRoutes } from "./routes/billing";
import { contributionRoutes } from "./routes/contributions";
import { articleRoutes } from "./routes/articles";
import { digestRoutes } from "./routes/digests";
import { membershipRoutes } from "./routes/membership";
import { privacyRoutes } from "./routes/privacy";
import { documentation, publicRoutes } from "./routes/public";
import { giftRoutes } from "./routes/gifts";
import { sendingRoutes } from "./routes/sending";
import { signinRoutes } from "./routes/signin";
import { MAX_WEBHOOK_BYTES, STRIPE_WEBHOOK_PATH, stripeWebhookRoutes } from "./routes/stripe-webhook";
import { subscriberRoutes } from "./routes/subscribers";
import { supportRoutes } from "./routes/support";
import { IMPORT_PATH, MAX_IMPORT_BYTES, subscriberAdminRoutes } from "./routes/subscribers-admin";
import { statsRoutes } from "./routes/stats";
import { statsCancellationRoutes } from "./routes/stats-cancellations";
import { statsSourceRoutes } from "./routes/stats-sources";
import { topicRoutes } from "./routes/topics";

/** Request bodies above this are refused with 413 before they are read further. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * A response to a request that carries a credential (a session cookie, a link token in the URL, an editor's
 * bearer token), or to anything but a GET, is that caller's alone: `Cache-Control: no-store`, so neither a shared
 * cache nor the browser keeps it (a reader's preferences page, `/join` or `/topics` while signed in, `/account`,
 * what a link's form answers, editor JSON).
 */
const noStoreWhenPersonal: MiddlewareHandler = async (c, next) => {
  await next();
  const credential =
    getCookie(c, SignIn.sessionCookie()) !== undefined || c.req.query("token") !== undefined || c.req.header("authorization") !== undefined;
  // A POST's answer (a link token's form, a sign-in, a checkout) is about what that caller just did.
  const personal = credential || (c.req.method !== "GET" && c.req.method !== "HEAD");
  if (personal) c.res.headers.set("Cache-Control", "no-store");
};

/** The app with the readers' and the API's routes, then `extra` (route groups served on the same paths' terms). */
export function createApp(extra: readonly OpenAPIHono<any>[] = []) {
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequest(result.error);
    },
  });

  // First, so that every answer carries the policy, a refusal or an error as much as a page.
  app.use(contentSecurityPolicy);
  // Fail every request, naming the setting, rather than half-work with a missing one.
  app.use(async (_c, next) => {
    Config.get();
    Config.requireEditorTokens();
    await next();
  });
  // Referrer-Policy `same-origin`, not the default `no-referrer`: under `no-referrer` browsers send `Origin: null`
  // with a form's POST, which the session's Origin check must refuse (sign-in, votes, sign out would all fail).
  // `same-origin` still keeps the link tokens in our URLs from leaking to other sites.
  // X-Frame-Options DENY says what the policy's `frame-ancestors 'none'` says, to browsers that predate it.
  app.use(secureHeaders({ crossOriginResourcePolicy: "same-origin", referrerPolicy: "same-origin", xFrameOptions: "DENY" }));
  app.use(noStoreWhenPersonal);
  // The page's language (`?lang=`, cookie, Accept-Language), for the views and `Content-Language`.
  app.use(language);
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new VisibleError("too_large", "too_large", `The request body is larger than ${maxSize} bytes.`);
      },
    });
  const [apiLimit, webhookLimit, importLimit] = [limit(MAX_BODY_BYTES), limit(MAX_WEBHOOK_BYTES), limit(MAX_IMPORT_BYTES)];
  const limitFor = (path: string) =>
    path === STRIPE_WEBHOOK_PATH ? webhookLimit : path === IMPORT_PATH || path === EDITOR_IMPORT_PATH ? importLimit : apiLimit;
  app.use((c, next) => limitFor(c.req.path)(c, next));

  // The order of these lines is the order of the OpenAPI document's paths.
  app.route("/", publicRoutes);
  app.route("/", subscriberRoutes);
  app.route("/", signinRoutes);
  app.route("/", accountRoutes);
  app.route("/", pauseRoutes);
  app.route("/", topicRoutes);
  app.route("/", articleRoutes);
  app.route("/", digestRoutes);
  app.route("/", membershipRoutes);
  app.route("/", billingRoutes);
  app.route("/", supportRoutes);
  app.route("/", contributionRoutes);
  app.route("/", giftRoutes);
  app.route("/", stripeWebhookRoutes);
  app.route("/", sendingRoutes);
  app.route("/", privacyRoutes);
  app.route("/", subscriberAdminRoutes);
  app.route("/", statsRoutes);
  app.route("/", statsSourceRoutes);
  app.route("/", statsCancellationRoutes);
  for (const routes of extra) app.route("/", routes);
  documentation(app);

  app.onError(onError);
  app.notFound(notFound);
  return app;
}

export type App = ReturnType<typeof createApp>;
