/**
 * The dashboard's Retention page in a real browser (Debian's Chromium), on a phone and a desktop, signed in as an
 * editor: it passes axe-core, fits the viewport and breaks no Content-Security-Policy, in English and Ukrainian;
 * its period form (a GET, no script) shows the days chosen, and the sources table counts the sign-ups made.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as Subscribers from "../../core/subscribers";
import { viewports } from "../helpers/browser";
import { browserCookie, dashboardCookie } from "../helpers/dashboard";
import { randomIp } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { checkPage, heading, openPage } from "../helpers/pages";
import { useServedApp } from "../helpers/served-app";

useLocalStack();

const served = useServedApp();

describe("the dashboard's Retention page", () => {
  for (const viewport of viewports) {
    it(`shows conversions by source for the period chosen with its form (${viewport.width} px)`, async () => {
      const source = `article:e2e-${randomUUID().slice(0, 8)}`;
      for (const day of ["2031-05-02", "2031-05-03", "2031-05-20"]) {
        await Subscribers.signup({ email: uniqueEmail(`retention-${viewport.name}`), source }, { ip: randomIp(), source: "api" }, new Date(`${day}T09:00:00Z`));
      }
      const { context, page } = await openPage(served.browser, viewport);
      await context.addCookies([browserCookie(await dashboardCookie("editor"), served.base)]);
      await page.goto(`${served.base}/editor/retention`);
      await heading(page, "Retention");
      await checkPage(page, `editor-retention-${viewport.name}`);

      await page.getByLabel("From", { exact: true }).fill("2031-05-01");
      await page.getByLabel("To", { exact: true }).fill("2031-05-10");
      await page.getByRole("button", { name: "Show" }).click();
      const row = page.locator(`tr[data-source="${source}"]`);
      await row.waitFor();
      expect(await row.locator("td").first().textContent()).toBe("2");
      await checkPage(page, `editor-retention-period-${viewport.name}`);

      await page.goto(`${served.base}/editor/retention?from=2031-05-01&to=2031-05-31&lang=uk`);
      await heading(page, "Утримання");
      expect(await page.locator(`tr[data-source="${source}"] td`).first().textContent()).toBe("3");
      await checkPage(page, `editor-retention-uk-${viewport.name}`);
      await context.close();
    });
  }
});
