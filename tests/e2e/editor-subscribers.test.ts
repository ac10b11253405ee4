/**
 * The dashboard's subscribers in a real browser (Debian's Chromium), on a phone and a desktop, signed in as an
 * admin: the search form finds a subscriber by address, their record opens, and erasing them takes the address
 * typed again; a CSV file uploads with its report, and the export's page links the file. Every page passes
 * axe-core, fits the viewport and breaks no Content-Security-Policy. A browser whose language is Ukrainian gets the
 * search and the record in Ukrainian, the subscriber's own language named. The app is served in process over HTTP
 * against the local stack.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { viewports } from "../helpers/browser";
import { useServedApp } from "../helpers/served-app";
import { browserCookie, dashboardCookie } from "../helpers/dashboard";
import { publish } from "../helpers/editor";
import { saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { checkPage, heading, openPage } from "../helpers/pages";

useLocalStack();

const served = useServedApp();

beforeAll(async () => {
  await publish({ "e2e-climate": "Climate" }, []);
});


describe("the dashboard's subscribers", () => {
  for (const viewport of viewports) {
    it(`finds a subscriber, opens their record and erases them once the address is typed again (${viewport.width} px)`, async () => {
      const email = uniqueEmail(`dash-${viewport.name}`);
      const reader = await saveSubscriber({ email, name: "Mykola Test", topics: ["e2e-climate"] });
      const { context, page } = await openPage(served.browser, viewport);
      await context.addCookies([browserCookie(await dashboardCookie("admin"), served.base)]);

      await page.goto(`${served.base}/editor/subscribers`);
      await heading(page, "Subscribers");
      await checkPage(page, `editor-subscribers-search-${viewport.name}`);
      await page.getByLabel("Email address").fill(email.toUpperCase());
      await page.getByRole("button", { name: "Find" }).click();

      await heading(page, email);
      await checkPage(page, `editor-subscribers-record-${viewport.name}`);
      expect(await page.getByRole("table", { name: "Subscription" }).textContent()).toContain("Mykola Test");
      await page.getByRole("link", { name: "Erase this subscriber…" }).click();

      await heading(page, `Erase ${email}?`);
      await checkPage(page, `editor-subscribers-erase-${viewport.name}`);
      await page.getByLabel("Type the address to confirm").fill("someone-else@example.com");
      await page.getByRole("button", { name: "Erase for good" }).click();
      await expect.poll(() => page.getByText("The address typed is not this subscriber's").count()).toBe(1);
      await checkPage(page, `editor-subscribers-erase-refused-${viewport.name}`);
      expect(await Db.Subscribers.get(reader.id)).toBeDefined();

      await page.getByLabel("Type the address to confirm").fill(email);
      await page.getByRole("button", { name: "Erase for good" }).click();
      await heading(page, "Subscribers");
      await expect.poll(() => page.getByRole("status").textContent()).toContain("The subscriber was erased");
      await checkPage(page, `editor-subscribers-erased-${viewport.name}`);
      expect(await Db.Subscribers.get(reader.id)).toBeUndefined();
      await context.close();
    });

    it(`imports an uploaded file, showing its bad line, and exports the list (${viewport.width} px)`, async () => {
      const { context, page } = await openPage(served.browser, viewport);
      await context.addCookies([browserCookie(await dashboardCookie("admin"), served.base)]);
      await page.goto(`${served.base}/editor/subscribers`);
      await page.getByRole("link", { name: "Import subscribers from a CSV file" }).click();
      await heading(page, "Import subscribers");
      await checkPage(page, `editor-subscribers-import-${viewport.name}`);
      const imported = uniqueEmail(`imported-${viewport.name}`);
      const csv = `email,name,consented_at\n${imported},Iryna,2025-05-01\nnot-an-address,Bad,2025-05-01\n`;
      await page.getByLabel("CSV file").setInputFiles({ name: "list.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
      await page.getByRole("button", { name: "Import" }).click();
      await expect.poll(() => page.getByRole("status").textContent()).toContain("1 imported (1 new");
      expect(await page.getByRole("heading", { name: "Lines with errors (not imported)" }).count()).toBe(1);
      expect(await page.getByText("Line 3: email: must be a valid email address").count()).toBe(1);
      await checkPage(page, `editor-subscribers-imported-${viewport.name}`);
      expect((await Db.Subscribers.getByEmail(imported))?.status).toBe("active");

      await page.goto(`${served.base}/editor/subscribers/export`);
      await page.getByRole("button", { name: "Export" }).click();
      await expect.poll(() => page.getByRole("link", { name: "download the CSV" }).count()).toBe(1);
      await checkPage(page, `editor-subscribers-export-${viewport.name}`);
      const file = await fetch((await page.getByRole("link", { name: "download the CSV" }).getAttribute("href"))!);
      expect(await file.text()).toContain(imported);
      await context.close();
    });
  }
});

describe("the dashboard's subscribers in Ukrainian", () => {
  for (const viewport of viewports) {
    it(`finds a subscriber and reads their record in Ukrainian, their language named (${viewport.width} px)`, async () => {
      const email = uniqueEmail(`dash-uk-${viewport.name}`);
      await saveSubscriber({ email, name: "Оксана Тест", language: "uk", topics: ["e2e-climate"] });
      const { context, page } = await openPage(served.browser, viewport, { locale: "uk-UA" });
      await context.addCookies([browserCookie(await dashboardCookie("admin"), served.base)]);

      await page.goto(`${served.base}/editor/subscribers`);
      await heading(page, "Підписники");
      expect(await page.locator("html").getAttribute("lang")).toBe("uk");
      await checkPage(page, `editor-subscribers-search-uk-${viewport.name}`);
      await page.getByLabel("Адреса електронної пошти").fill(email);
      await page.getByRole("button", { name: "Знайти" }).click();

      await heading(page, email);
      await checkPage(page, `editor-subscribers-record-uk-${viewport.name}`);
      const record = (await page.getByRole("table", { name: "Підписка" }).textContent()) ?? "";
      expect(record).toContain("Оксана Тест");
      expect(record).toContain("українська");
      expect(record).toContain("активний");
      await context.close();
    });
  }
});
