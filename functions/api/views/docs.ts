/**
 * `/docs`: Swagger UI over `/openapi.json`. Its 1.7 MB of script is too big for the API's bundle, so it comes from
 * a CDN, but pinned to one version and checked by the browser against the hashes below (subresource integrity):
 * a changed file on the CDN is refused, not run on our origin. `swagger-ui-dist` at the same version is a
 * devDependency, and tests/unit/docs-assets.test.ts hashes its files, so a version bump without new hashes fails.
 * The page has no inline script: it starts Swagger UI from `/docs/init.js`, served by us.
 */

export const SWAGGER_UI_VERSION = "5.35.0";

const base = `https://cdn.jsdelivr.net/npm/swagger-ui-dist@${SWAGGER_UI_VERSION}`;

/** The CDN's files, by their name in the package, with their SHA-384 (`openssl dgst -sha384 -binary | base64`). */
export const swaggerAssets = {
  script: {
    file: "swagger-ui-bundle.js",
    url: `${base}/swagger-ui-bundle.js`,
    integrity: "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9",
  },
  stylesheet: {
    file: "swagger-ui.css",
    url: `${base}/swagger-ui.css`,
    integrity: "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
  },
} as const;

export const DOCS_INIT_PATH = "/docs/init.js";

/** Starts Swagger UI; no validator, which would hand our document's address to validator.swagger.io for its badge. */
export const docsInitScript =
  'window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: null });\n';

export const docsPage = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>Tidings API</title>
    <link rel="stylesheet" href="${swaggerAssets.stylesheet.url}"
      integrity="${swaggerAssets.stylesheet.integrity}" crossorigin="anonymous" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${swaggerAssets.script.url}"
      integrity="${swaggerAssets.script.integrity}" crossorigin="anonymous"></script>
    <script src="${DOCS_INIT_PATH}"></script>
  </body>
</html>
`;
