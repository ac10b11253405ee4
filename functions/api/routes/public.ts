/** What anyone may ask of the API itself: whether it is up, and its OpenAPI document with a browsable view of it. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { CSP, policy } from "../security-headers";
import { DOCS_INIT_PATH, docsInitScript, docsPage, swaggerAssets } from "../views/docs";

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

/** Serves the OpenAPI document of every route registered on `app` so far, and Swagger UI over it; call it last. */
export function documentation(app: OpenAPIHono<any>) {
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
      description:
        "Newsletter and membership backend of a reader-funded newsroom.\n\n" +
        "Every HTML page speaks one of LANGUAGES: `?lang=` (remembered in the `tidings_lang` cookie), else that " +
        "cookie, else `Accept-Language`, else the first of LANGUAGES; a page reached from a subscriber's email speaks " +
        "their language unless `?lang=` says otherwise. Pages say which in `Content-Language`. JSON answers, their " +
        "error messages included, are in English: they are for programs.",
    },
  });
  // The page policy, widened by the two pinned CDN files (by their exact URLs) and our own start script; Swagger
  // UI's stylesheet draws its icons as data: images.
  const docsPolicy = () =>
    policy({
      "script-src": ["'self'", swaggerAssets.script.url],
      "style-src": [swaggerAssets.stylesheet.url],
      "img-src": ["'self'", "data:"],
    });
  app.get("/docs", (c) => c.html(docsPage, 200, { [CSP]: docsPolicy() }));
  app.get(DOCS_INIT_PATH, (c) => c.body(docsInitScript, 200, { "Content-Type": "text/javascript; charset=utf-8" }));
}
