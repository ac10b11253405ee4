/**
 * The templates, loaded on first use rather than with the importing module. Rendering needs LiquidJS, the
 * HTML-to-text converter and the compiled templates (about 350 KB minified together); bundled with code splitting,
 * a Lambda loads them only when it first renders an email, not at every cold start (see scripts/bundle.ts).
 */
let loaded: Promise<typeof import("./index")> | undefined;

/** The templates module; imported once per process (each `import()` would go through the module loader again). */
export const loadTemplates = () => (loaded ??= import("./index"));
