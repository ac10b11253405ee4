/**
 * The templates, loaded on first use rather than with the importing module. Rendering needs LiquidJS, the
 * HTML-to-text converter and the compiled templates (about 350 KB minified together); bundled with code splitting,
 * a Lambda loads them only when it first renders an email, not at every cold start (see scripts/bundle.ts).
 */
export const loadTemplates = () => import("./index");
