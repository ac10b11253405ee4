/**
 * For a browser test file: the whole app served in process over HTTP against the local stack, its PUBLIC_URL the
 * served address (so our forms' Origin is our own), and Chromium; started before the file's tests, stopped (and
 * PUBLIC_URL put back) after them.
 */
import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import * as Config from "../../core/config";
import { app } from "../../functions/api/app";
import { launchBrowser } from "./browser";

export interface ServedApp {
  /** `http://127.0.0.1:<port>`: the served app's address, and PUBLIC_URL while the file runs. */
  readonly base: string;
  readonly browser: Browser;
}

export function useServedApp(): ServedApp {
  const served = {} as { base: string; browser: Browser };
  let server: ServerType | undefined;
  let publicUrl: string | undefined;
  beforeAll(async () => {
    served.browser = await launchBrowser();
    await new Promise<void>((ready) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => ready());
    });
    served.base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    publicUrl = process.env.PUBLIC_URL;
    process.env.PUBLIC_URL = served.base;
    Config.reset();
  });
  afterAll(async () => {
    process.env.PUBLIC_URL = publicUrl;
    Config.reset();
    await served.browser?.close();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  });
  return served;
}
