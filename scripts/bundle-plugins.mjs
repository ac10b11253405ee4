/**
 * esbuild plugins of every Lambda bundle: `nodejs.plugins` in sst.config.ts points here (SST runs this file with
 * Node, hence plain JavaScript), and scripts/bundle.ts builds through the same path (scripts/sst-plugin-bridge.ts).
 *
 * SST does not hand these plugins to esbuild: its bridge calls every callback whose `filter` matches the string
 * "undefined" (it tests a field its messages do not have), for every module in every namespace, and reads only
 * plain answers back. So a plugin here registers `onResolve` alone, with a filter that matches anything, makes
 * its real check inside the callback, and resolves to a real file (no namespace, no `onLoad`, no `pluginData`).
 */
import { fileURLToPath } from "node:url";

/** The stand-in for zod's locale index: a real file, exporting English alone. */
const ENGLISH_ONLY = fileURLToPath(new URL("./zod-locales-en.mjs", import.meta.url));
/** zod's own modules (`zod/v4/core/index.js`, `zod/v4/classic/external.js`) import their locales this way. */
const LOCALES_INDEX = "../locales/index.js";
const IN_ZOD = /[\\/]node_modules[\\/]zod[\\/]/;

/**
 * Zod with its English messages only. `@hono/zod-openapi` hands the whole `z` namespace to zod-to-openapi, so
 * esbuild must keep every export of it, `z.locales` included: 260 KB of error messages in 60-odd languages that
 * Tidings never selects (it answers in English, zod's default). This resolves zod's own `locales/index.js` to a
 * module exporting `en` alone, as webpack users drop moment's locales; `z.locales.en` and the default messages
 * are unchanged, and `z.config(z.locales.fr())` would fail loudly rather than silently (no locale is selected).
 *
 * @type {import("esbuild").Plugin}
 */
export const zodEnglishOnly = {
  name: "zod-english-only",
  setup(build) {
    // The filter must match anything (SST tests it against "undefined"); the real test is here.
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.path !== LOCALES_INDEX || !IN_ZOD.test(args.importer ?? "")) return undefined;
      return { path: ENGLISH_ONLY };
    });
  },
};

export default [zodEnglishOnly];
