/**
 * For browser tests of the reader pages against `npm start`: the journey's stack and browser (`useJourney()`),
 * every page checked with axe-core (no serious or critical violations), for horizontal overflow and for anything
 * the Content-Security-Policy refused (in any page of a test's contexts, whether checked or not), and kept as a
 * screenshot; and emails awaited in the SES emulator's store of that stack. A journey also makes a confirmed reader
 * and signs a page in by magic link, the steps many journeys start from.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { launchBrowser, SCREENSHOTS, watchCsp } from "./browser";
import type { StoredEmail } from "./mail";
import { startNpmStart, type NpmStart } from "./npm-start";

export interface Journey {
  readonly stack: NpmStart;
  readonly browser: Browser;
  /** A JSON request to the stack, answering the JSON body; throws on any status from 300. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any>;
  /** `call` with the stack's editor token. */
  editor(method: string, path: string, body?: unknown): Promise<any>;
  /** A confirmed subscriber (sign-up and the confirmation link's POST over HTTP). */
  confirmedReader(email: string): Promise<void>;
  /** Signs the page in by the magic link from the mail viewer, without checking the pages on the way; ends on the account. */
  signIn(page: Page, email: string): Promise<void>;
}

/**
 * Call at the top of a browser journey file: `npm start` (with `env` added to its environment) and Chromium,
 * started before its tests and stopped after.
 */
export function useJourney(options: { env?: Record<string, string> } = {}): Journey {
  const journey = {
    call: async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${journey.stack.url}${path}`, {
        method,
        headers: { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    },
    editor: (method: string, path: string, body?: unknown) =>
      journey.call(method, path, body, { authorization: `Bearer ${journey.stack.editorToken}` }),
    confirmedReader: async (email: string) => {
      await journey.call("POST", "/api/subscribe", { email });
      const confirmation = await waitForEmail(journey.stack.mailUrl, email, /^Confirm your subscription/);
      const token = new URL(linkIn(confirmation, "/confirm")).searchParams.get("token")!;
      const confirmed = await fetch(`${journey.stack.url}/confirm`, { method: "POST", body: new URLSearchParams({ token }) });
      expect(confirmed.status).toBe(200);
    },
    signIn: async (page: Page, email: string) => {
      await page.goto(`${journey.stack.url}/login`);
      await page.getByLabel("Email address").fill(email);
      await page.getByRole("button", { name: "Email me a sign-in link" }).click();
      await heading(page, "Check your email");
      await page.goto(linkIn(await waitForEmail(journey.stack.mailUrl, email, /^Sign in to/), "/login"));
      await page.getByRole("button", { name: "Sign me in" }).click();
      await heading(page, "Your account");
    },
  } as Journey & { stack: NpmStart; browser: Browser };
  beforeAll(async () => {
    [journey.stack, journey.browser] = await Promise.all([startNpmStart(options), launchBrowser()]);
  });
  afterAll(async () => {
    await journey.browser?.close();
    await journey.stack?.stop();
  });
  afterEach(() => {
    expect(watched.splice(0).flat(), "refused by the Content-Security-Policy").toEqual([]);
  });
  return journey;
}

/** Waits for the page's level-one heading. */
export const heading = (page: Page, name: string | RegExp) => page.getByRole("heading", { level: 1, name }).waitFor();

// Evaluated, not added as a <script>: the pages' policy allows no script, and rightly refuses an inline one.
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** What the policy refused in each context `openPage` made since the last test ended, by context. */
const watched: string[][] = [];
const pageViolations = new WeakMap<BrowserContext, string[]>();

/**
 * A fresh browser context (no cookies) at a viewport, its page, and a generous timeout for each step: npm start
 * shares two cores with the rest of the test run (a safety net against hangs, not a speed check).
 */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number },
  options: { locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  // The locale is the browser's language: it sends it as Accept-Language (Chromium's default is en-US).
  const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, locale: options.locale });
  context.setDefaultTimeout(60_000);
  const refused = await watchCsp(context);
  watched.push(refused);
  pageViolations.set(context, refused);
  return { context, page: await context.newPage() };
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** Fails naming what the Content-Security-Policy refused in the page's context so far. */
export function expectNoCspViolations(page: Page, label: string): void {
  const refused = pageViolations.get(page.context()) ?? [];
  expect(refused, `refused by the Content-Security-Policy on ${label} at ${page.url()}`).toEqual([]);
}

/** Runs axe-core in the page; fails listing every violation of serious or critical impact. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)")) as AxeViolation[];
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const listed = serious.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`).join("\n")}`,
  );
  expect(listed, `axe-core on ${label} at ${page.url()}`).toEqual([]);
}

/** Checks the page (accessible, nothing wider than the viewport) and keeps its screenshot as `<name>-<width>.png`. */
export async function checkPage(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()!.width;
  const overflow = Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"));
  expect(overflow, `${name} is wider than ${width} px`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  expectNoCspViolations(page, name);
  await expectAccessible(page, name);
}

/** Waits (polling the emulator's store) for the first email to `address` whose subject matches; fails after `timeoutMs`. */
export async function waitForEmail(mailUrl: string, address: string, subject: RegExp, timeoutMs = 60_000): Promise<StoredEmail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { emails } = (await (await fetch(`${mailUrl}/store`)).json()) as { emails: StoredEmail[] };
    const found = emails.find((email) => email.destination.to.some((to) => to.toLowerCase().includes(address)) && subject.test(email.subject));
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = emails.filter((email) => email.destination.to.some((to) => to.toLowerCase().includes(address))).map((e) => e.subject);
      throw new Error(`no email to ${address} matching ${subject} (it has: ${JSON.stringify(seen)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The first `<path>?token=…` link of an email's text part, as a full URL. */
export function linkIn(email: StoredEmail, path: string): string {
  const match = email.body.text?.match(new RegExp(`https?://[^\\s>"]+${path.replace(/\//g, "\\/")}\\?token=[^\\s>"]+`));
  if (!match) throw new Error(`no ${path} link in "${email.subject}"`);
  return match[0];
}
