/**
 * A real browser for end-to-end tests: Debian's Chromium driven by playwright-core (never a downloaded browser).
 * Screenshots go to `test-results/screenshots/`, kept as artifacts of the run.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(process.cwd(), "test-results", "screenshots");

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The machine has no network but loopback: keep Chromium from phoning home at every start.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export const viewports = [
  { name: "phone", width: 375, height: 812 },
  { name: "desktop", width: 1200, height: 900 },
] as const;
