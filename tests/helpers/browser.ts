/**
 * A real browser for end-to-end tests: Debian's Chromium driven by playwright-core (never a downloaded browser).
 * Screenshots go to `test-results/screenshots/`, kept as artifacts of the run. `watchCsp` records what the
 * Content-Security-Policy refused, so a page the policy breaks fails its test.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

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

const VIOLATION = "Content Security Policy violation";

/**
 * Every Content-Security-Policy violation in the context's pages from now on, as it happens: the documents'
 * `securitypolicyviolation` events (reported through the console by a script the browser runs before the page's
 * own, which the policy does not govern) and Chromium's own "Refused to …" console errors.
 */
export async function watchCsp(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.addInitScript(`document.addEventListener("securitypolicyviolation", (e) => console.error(
    "${VIOLATION}: " + e.effectiveDirective + " refused " + (e.blockedURI || "inline") + " on " + e.documentURI));`);
  context.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  return violations;
}
