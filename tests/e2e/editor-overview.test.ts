/**
 * The dashboard's overview in a real browser, on a phone and a desktop: signed in through the emailed link's page
 * and its button, the overview with its charts (seeded snapshots) passes axe-core, fits the viewport and breaks no
 * Content-Security-Policy; the audit log too, for an admin.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as Editors from "../../core/editors";
import * as Tokens from "../../core/tokens";
import { seedStats } from "../../scripts/seed-stats";
import { viewports } from "../helpers/browser";
import { useServedApp } from "../helpers/served-app";
import { TEST_EDITORS, useLocalStack } from "../helpers/local";
import { checkPage, heading, openPage } from "../helpers/pages";

useLocalStack();

const served = useServedApp();

beforeAll(async () => {
  await seedStats();
});


describe("the dashboard's overview", () => {
  for (const viewport of viewports) {
    it(`signs in by the link's button and shows the figures as charts with tables (${viewport.width} px)`, async () => {
      const { page } = await openPage(served.browser, viewport);
      const token = Tokens.sign("editor-signin", `${Editors.editorKey(TEST_EDITORS.admin)}~${viewport.name}${Date.now()}`);
      await page.goto(`${served.base}/editor/signin?token=${encodeURIComponent(token)}`);
      await heading(page, "Sign in to the dashboard");
      await checkPage(page, `editor-signin-${viewport.name}`);
      await page.getByRole("button", { name: "Sign me in" }).click();
      await heading(page, "Overview");
      expect(await page.getByRole("img", { name: /^Subscribers by status, last 90 days/ }).count()).toBe(1);
      expect(await page.getByRole("table", { name: /Subscribers by status/, includeHidden: true }).count()).toBe(1);
      await checkPage(page, `editor-overview-${viewport.name}`);

      await page.getByRole("link", { name: "Audit log" }).click();
      await heading(page, "Audit log");
      expect(await page.getByText("signed in").count()).toBeGreaterThan(0);
      await checkPage(page, `editor-audit-${viewport.name}`);
      await page.getByRole("button", { name: "Sign out" }).click();
      await heading(page, "Sign in to the dashboard");
    });
  }
});
