/**
 * A Ukrainian patron signs in from an English browser, on a phone and a desktop, against `npm start`: the form is
 * the browser's language (English), but the sign-in email is theirs (Ukrainian), and so are the link's page and,
 * once signed in, the account page with their membership; signing out leaves them on English pages again. Every
 * page passes axe-core, fits the viewport and breaks no Content-Security-Policy.
 */
import { describe, expect, it } from "vitest";
import { viewports } from "../helpers/browser";
import { uniqueEmail } from "../helpers/mail";
import { checkPage, heading, linkIn, openPage, useJourney, waitForEmail } from "../helpers/pages";

const journey = useJourney();

const htmlLang = (page: import("playwright-core").Page) => page.evaluate("document.documentElement.lang");

/** A confirmed subscriber whose language is Ukrainian, made a Co-creator patron by comp (no Stripe needed). */
async function ukrainianPatron(email: string): Promise<void> {
  await journey.call("POST", "/api/subscribe", { email, language: "uk" });
  const confirmation = await waitForEmail(journey.stack.mailUrl, email, /./);
  const token = new URL(linkIn(confirmation, "/confirm")).searchParams.get("token")!;
  const confirmed = await fetch(`${journey.stack.url}/confirm`, { method: "POST", body: new URLSearchParams({ token }) });
  expect(confirmed.status).toBe(200);
  await journey.editor("POST", "/api/patrons/comp", { email, tier: "co-creator", until: "2031-12-31" });
}

describe("a Ukrainian patron's sign-in", () => {
  for (const viewport of viewports) {
    it(`signs in from an English browser and is answered in Ukrainian (${viewport.width} px)`, async () => {
      const email = uniqueEmail(`uk-patron-${viewport.name}`);
      await ukrainianPatron(email);
      const { context, page } = await openPage(journey.browser, viewport, { locale: "en-GB" });

      // The form follows the browser; the email follows the reader.
      await page.goto(`${journey.stack.url}/login`);
      expect(await htmlLang(page)).toBe("en");
      await page.getByLabel("Email address").fill(email);
      await page.getByRole("button", { name: "Email me a sign-in link" }).click();
      await heading(page, "Check your email");
      const signin = await waitForEmail(journey.stack.mailUrl, email, /^Посилання для входу в /);

      await page.goto(linkIn(signin, "/login"));
      expect(await htmlLang(page)).toBe("uk");
      await heading(page, "Вхід");
      await checkPage(page, "uk-signin-button");
      await page.getByRole("button", { name: "Увійти" }).click();

      await heading(page, "Ваш обліковий запис");
      expect(await htmlLang(page)).toBe("uk");
      await page.getByText("Ви меценат рівня").waitFor();
      await page.getByText("Ви ще не голосували за жодну тему.").waitFor();
      await page.getByRole("link", { name: "Змінити налаштування" }).waitFor();
      await checkPage(page, "uk-account");

      await page.getByRole("button", { name: "Вийти", exact: true }).click();
      await page.waitForURL(`${journey.stack.url}/`);
      expect(await htmlLang(page)).toBe("en");
      await context.close();
    });
  }
});
