/**
 * The one Hono app: every route, on Lambda (`functions/api.ts`) and locally (`npm start`), and in tests through
 * `app.request()`. Routes are grouped by audience and described in the OpenAPI document they are served with.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { swaggerUI } from "@hono/swagger-ui";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import * as Config from "../config";
import { VisibleError } from "../errors";
import { invalidRequest, notFound, onError } from "./errors";
import { accountPages } from "./routes/account";
import { articleRoutes } from "./routes/articles";
import { digestRoutes } from "./routes/digests";
import { membershipRoutes } from "./routes/membership";
import { membershipPages } from "./routes/membership-pages";
import { MAX_WEBHOOK_BYTES, STRIPE_WEBHOOK_PATH, stripeWebhookRoutes } from "./routes/stripe-webhook";
import { sendingRoutes } from "./routes/sending";
import { publicRoutes } from "./routes/public";
import { signinRoutes } from "./routes/signin";
import { topicRoutes } from "./routes/topics";
import { subscriberPages } from "./routes/subscriber-pages";
import { subscribePages } from "./routes/subscribe-pages";
import { topicPages } from "./routes/topic-pages";
import { voteRoutes } from "./routes/votes";
import { privacyRoutes } from "./routes/privacy";
import { IMPORT_PATH, MAX_IMPORT_BYTES, subscriberRoutes } from "./routes/subscribers";

/** Request bodies above this are refused with 413 before they are read further. */
export const MAX_BODY_BYTES = 64 * 1024;

export function createApp() {
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequest(result.error);
    },
  });

  // Fail every request, naming the setting, rather than half-work with a missing one.
  app.use(async (_c, next) => {
    Config.get();
    Config.requireEditorTokens();
    await next();
  });
  // Referrer-Policy `same-origin`, not the default `no-referrer`: under `no-referrer` browsers send `Origin: null`
  // with a form's POST, which the session's Origin check must refuse (sign-in, votes, sign out would all fail).
  // `same-origin` still keeps the link tokens in our URLs from leaking to other sites.
  app.use(secureHeaders({ crossOriginResourcePolicy: "same-origin", referrerPolicy: "same-origin" }));
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new VisibleError("too_large", "too_large", `The request body is larger than ${maxSize} bytes.`);
      },
    });
  const [apiLimit, webhookLimit, importLimit] = [limit(MAX_BODY_BYTES), limit(MAX_WEBHOOK_BYTES), limit(MAX_IMPORT_BYTES)];
  const limitFor = (path: string) => (path === STRIPE_WEBHOOK_PATH ? webhookLimit : path === IMPORT_PATH ? importLimit : apiLimit);
  app.use((c, next) => limitFor(c.req.path)(c, next));

  app.route("/", publicRoutes);
  app.route("/", subscriberPages);
  app.route("/", subscribePages);
  app.route("/", signinRoutes);
  app.route("/", accountPages);
  app.route("/", topicRoutes);
  app.route("/", voteRoutes);
  app.route("/", topicPages);
  app.route("/", articleRoutes);
  app.route("/", digestRoutes);
  app.route("/", membershipRoutes);
  app.route("/", membershipPages);
  app.route("/", stripeWebhookRoutes);
  app.route("/", sendingRoutes);
  app.route("/", privacyRoutes);
  app.route("/", subscriberRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "editorToken", {
    type: "http",
    scheme: "bearer",
    description: "An editor token from EDITOR_TOKENS",
  });

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Tidings",
      version: "0.1.0",
      description: "Newsletter and membership backend of a reader-funded newsroom.",
    },
  });
  app.get("/docs", swaggerUI({ url: "/openapi.json" }));

  app.onError(onError);
  app.notFound(notFound);
  return app;
}

export type App = ReturnType<typeof createApp>;
