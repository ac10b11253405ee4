/**
 * esbuild plugins of every Lambda bundle: `nodejs.plugins` in sst.config.ts points here (SST loads this file
 * with Node, hence plain JavaScript), and scripts/bundle.ts builds with the same list.
 */
import { dirname, resolve } from "node:path";

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
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      return { path: resolve(dirname(args.importer), "../locales/index.js"), namespace: "zod-english-only" };
    });
    build.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

export default [zodEnglishOnly];
