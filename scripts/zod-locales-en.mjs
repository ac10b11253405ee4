// zod's locale index with English alone: what scripts/bundle-plugins.mjs resolves `zod/v4/locales/index.js` to.
export { default as en } from "zod/v4/locales/en.js";
