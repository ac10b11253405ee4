/**
 * Giving, in a real browser (Debian's Chromium) against `npm start` and its local Stripe stand-in (no Stripe keys),
 * on a phone and a desktop. A signed-in reader gives once at /support → the stand-in's Checkout → Pay → the thanks
 * page, and the thank-you email is in the mail viewer. Then they give a membership: the gift form (tier, months,
 * recipient, message, delivered today) → Checkout → Pay → thanks; the gift shows on their account and in the
 * editors' list; npm start's run of the gifts' schedule emails the recipient the redeem link; its page's button
 * redeems it, and the recipient, signed in, is a comped patron of the tier. Every page, the stand-in's too, passes
 * axe-core, fits the viewport and breaks no Content-Security-Policy (screenshots in test-results/screenshots/).
 */
import { describe, expect, it } from "vitest";
import { viewports } from "../helpers/browser";
import { uniqueEmail } from "../helpers/mail";
import { checkPage, heading, linkIn, openPage, useJourney, waitForEmail } from "../helpers/pages";

const journey = useJourney();

interface ListedGift {
  id: string;
  recipientEmail: string;
  status: string;
  months: number;
  amount: number;
}

/** The gift to `recipient` in the editors' list of one status, if it is there. */
async function listedGift(status: string, recipient: string): Promise<ListedGift | undefined> {
  const { gifts } = (await journey.editor("GET", `/api/gifts?status=${status}`)) as { gifts: ListedGift[] };
  return gifts.find((gift) => gift.recipientEmail === recipient);
}

describe("giving through the local Stripe stand-in", () => {
  for (const viewport of viewports) {
    it(`gives once, then gives a membership that its recipient redeems (${viewport.width} px)`, async () => {
      const buyer = uniqueEmail(`giver-${viewport.name}`);
      const recipient = uniqueEmail(`gifted-${viewport.name}`);
      await journey.confirmedReader(buyer);
      const { context, page } = await openPage(journey.browser, viewport);
      await journey.signIn(page, buyer);

      // Give once: the first preset amount, through the stand-in's Checkout in payment mode.
      await page.goto(`${journey.stack.url}/support`);
      await heading(page, "Support our reporting");
      await page.getByText(`Contributing as ${buyer}`).waitFor();
      await checkPage(page, "support-signed-in");
      expect(await page.getByRole("radio", { name: "€5", exact: true }).isChecked()).toBe(true);
      await page.locator('form[action="/support"]').getByRole("button", { name: "Continue to payment" }).click();
      await heading(page, "Pay €5.00");
      expect(page.url().startsWith(`${journey.stack.stripeUrl}/c/pay/`)).toBe(true);
      await page.getByText("Local Stripe stand-in — no money moves").waitFor();
      await checkPage(page, "standin-checkout-contribution");
      await page.getByRole("button", { name: "Pay", exact: true }).click();
      await heading(page, "Thank you");
      expect(new URL(page.url()).pathname).toBe("/support/thanks");
      await checkPage(page, "support-thanks");
      await waitForEmail(journey.stack.mailUrl, buyer, /^Thank you for supporting/);

      // Give a membership: two months of Coffee for someone else, with a message, delivered today.
      const today = new Date().toISOString().slice(0, 10);
      await page.goto(`${journey.stack.url}/support`);
      const gift = page.getByRole("region", { name: "Give a membership" });
      await gift.getByLabel("Tier").selectOption({ label: "Coffee (€5 a month)" });
      await gift.getByLabel("Months (1 to 24)").fill("2");
      await gift.getByLabel("Their email address").fill(recipient);
      await gift.getByLabel("Their name (optional)").fill("Olena");
      await gift.getByLabel(/^Your message/).fill("Happy birthday! Read it all <3");
      expect(await gift.getByLabel("Deliver on").inputValue()).toBe(today);
      // Signed in, the buyer is not asked for the address Checkout already has.
      expect(await gift.getByText(`Giving as ${buyer}`).count()).toBe(1);
      expect(await gift.getByLabel(/^Your email address/).count()).toBe(0);
      await checkPage(page, "support-gift-filled");
      await gift.getByRole("button", { name: "Continue to payment" }).click();
      await heading(page, "Pay €10.00");
      await page.getByText("2 months of Coffee: €10.00").waitFor();
      await checkPage(page, "standin-checkout-gift");
      await page.getByRole("button", { name: "Pay", exact: true }).click();
      await heading(page, "Thank you");
      expect(new URL(page.url()).pathname).toBe("/support/thanks");

      // The buyer's account lists the contribution and the gift (the recipient's address masked).
      await page.goto(`${journey.stack.url}/account`);
      await heading(page, "Your account");
      expect(await page.getByRole("region", { name: "Your contributions" }).getByRole("listitem").count()).toBe(1);
      const given = page.getByRole("region", { name: "Gifts you gave" });
      const delivered = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${today}T00:00:00Z`));
      await given.getByText(new RegExp(`^2 months of Coffee \\(€10(\\.00)?\\) for ${recipient.slice(0, 1)}…@example\\.com, delivered on ${delivered}:`)).waitFor();
      await checkPage(page, "account-gift-given");
      await context.close();

      // The editors see it; the schedule npm start runs, as the hourly one deployed, sends its redeem link today.
      await expect.poll(async () => (await listedGift("delivered", recipient)) ?? (await listedGift("paid", recipient)), { timeout: 60_000 }).toMatchObject({
        months: 2,
        amount: 1000,
      });
      const redeemEmail = await waitForEmail(journey.stack.mailUrl, recipient, /^A gift for you/);
      expect(await listedGift("delivered", recipient)).toBeDefined();

      // The recipient opens the link: the gift and the message; its button redeems it.
      const { context: theirs, page: theirPage } = await openPage(journey.browser, viewport);
      await theirPage.goto(linkIn(redeemEmail, "/gift"));
      await heading(theirPage, "A gift for you");
      await theirPage.getByText("Happy birthday! Read it all <3").waitFor();
      await checkPage(theirPage, "gift-redeem");
      await theirPage.getByRole("button", { name: "Redeem" }).click();
      await heading(theirPage, "Your gift is redeemed");
      await checkPage(theirPage, "gift-redeemed");
      expect(await listedGift("redeemed", recipient)).toBeDefined();

      // Signed in, the recipient's account says they are a Coffee patron, given until the gift's end.
      await journey.signIn(theirPage, recipient);
      await theirPage.getByText("You're a Coffee patron").waitFor();
      await theirPage.getByText(/^Your membership was given to you, until/).waitFor();
      await checkPage(theirPage, "account-gift-redeemed");
      await waitForEmail(journey.stack.mailUrl, recipient, /^Welcome, patron/);
      await theirs.close();
    });
  }
});
