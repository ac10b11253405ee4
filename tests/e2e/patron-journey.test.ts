/**
 * A patron's journey in a real browser (Debian's Chromium) against `npm start`, on a phone and a desktop: a
 * confirmed reader made a patron by an editor's comp signs in by magic link → account → topics → vote → account
 * lists the vote → withdraw it → sign out. And a reader joining through `npm start`'s local Stripe stand-in (no
 * Stripe keys): /join (its demo tiers' prices to choose from) → the stand-in's Checkout → Pay → the account shows
 * the membership → pause it for two months and resume it → Manage billing → the stand-in's Billing Portal → switch to another tier → Cancel → the account
 * shows the new tier, ending. Every page, the stand-in's too, passes axe-core
 * (no serious or critical violations), fits the viewport, breaks no Content-Security-Policy, and is kept as a
 * screenshot in test-results/screenshots/.
 */
import { describe, expect, it } from "vitest";
import { viewports } from "../helpers/browser";
import { uniqueEmail } from "../helpers/mail";
import { checkPage, expectAccessible, heading, linkIn, openPage, useJourney, waitForEmail } from "../helpers/pages";

const journey = useJourney();

/** A confirmed subscriber made a Co-creator patron by comp (no Stripe needed). */
async function compedPatron(email: string): Promise<void> {
  await journey.confirmedReader(email);
  await journey.editor("POST", "/api/patrons/comp", { email, tier: "co-creator", until: "2031-12-31" });
}

const climateScore = async () =>
  ((await journey.call("GET", "/api/topics")) as { topics: Array<{ id: string; score: number; voters: number }> }).topics.find((t) => t.id === "climate")!;

describe("a patron's journey", () => {
  for (const viewport of viewports) {
    it(`signs in by magic link, votes and withdraws the vote (${viewport.width} px)`, async () => {
      const email = uniqueEmail(`patron-${viewport.name}`);
      await compedPatron(email);
      const { context, page } = await openPage(journey.browser, viewport);

      // Signed out, the topics page shows scores (and a funding goal's progress) and says how to vote.
      const climate = (await journey.call("GET", "/api/topics")) as { topics: Array<{ id: string; title: string }> };
      const title = climate.topics.find((t) => t.id === "climate")!.title;
      await journey.editor("PUT", "/api/topics/climate", { title, fundingGoal: 50_000 });
      await page.goto(`${journey.stack.url}/topics`);
      await heading(page, "What should we cover next?");
      expect(await page.getByRole("button", { name: /^Vote for/ }).count()).toBe(0);
      expect(await page.getByRole("progressbar", { name: `Funding for ${title}` }).count()).toBe(1);
      await checkPage(page, "topics-signed-out");

      // Ask for a sign-in link; open it from the email; press its button.
      await page.goto(`${journey.stack.url}/login`);
      await checkPage(page, "signin");
      await page.getByLabel("Email address").fill(email);
      await page.getByRole("button", { name: "Email me a sign-in link" }).click();
      await heading(page, "Check your email");
      await checkPage(page, "signin-sent");
      const signin = await waitForEmail(journey.stack.mailUrl, email, /^Sign in to/);
      await page.goto(linkIn(signin, "/login"));
      await checkPage(page, "signin-button");
      await page.getByRole("button", { name: "Sign me in" }).click();

      // The account: membership and tier, preferences, no votes yet.
      await heading(page, "Your account");
      await page.getByText("You're a Co-creator patron").waitFor();
      await page.getByText("You haven't voted for any topic yet.").waitFor();
      await page.getByRole("link", { name: "Change your preferences" }).waitFor();
      await checkPage(page, "account");

      // Vote for Climate from the topics page: the score grows by the tier's weight (3).
      const before = await climateScore();
      await page.getByRole("link", { name: "See every open topic and vote" }).click();
      await heading(page, "What should we cover next?");
      await page.getByText("You have 3 of 3 votes left").waitFor();
      await checkPage(page, "topics");
      await page.getByRole("button", { name: "Vote for Climate" }).click();
      await heading(page, "Your vote is counted");
      await page.getByText(`now has a score of ${before.score + 3}`).waitFor();
      await checkPage(page, "voted");
      expect(await climateScore()).toMatchObject({ score: before.score + 3, voters: before.voters + 1 });

      // The account lists the vote; withdrawing it there restores the score.
      await page.getByRole("link", { name: "Your account" }).first().click();
      await heading(page, "Your account");
      const votes = page.getByRole("region", { name: "Your votes" });
      await votes.getByRole("heading", { name: "Climate" }).waitFor();
      await checkPage(page, "account-voted");
      await votes.getByRole("button", { name: "Withdraw my vote for Climate" }).click();
      await heading(page, "Your vote is withdrawn");
      await checkPage(page, "vote-withdrawn");
      expect(await climateScore()).toMatchObject({ score: before.score, voters: before.voters });

      // Signing out ends the session: the account page sends to sign in again.
      await page.goto(`${journey.stack.url}/account`);
      await page.getByRole("button", { name: "Sign out", exact: true }).click();
      await page.goto(`${journey.stack.url}/account`);
      await heading(page, "Sign in");
      await context.close();
    });
  }

  for (const viewport of viewports) {
    it(`joins through the local Stripe stand-in, pauses and resumes, changes tier and cancels in its Billing Portal (${viewport.width} px)`, async () => {
      // Started without Stripe keys, npm start says plainly that payments go to its stand-in.
      expect(journey.stack.output()).toContain(
        "Stripe       local stand-in (no keys set) — payments are simulated; set STRIPE_SECRET_KEY to use Stripe's test mode",
      );
      const email = uniqueEmail(`joiner-${viewport.name}`);
      await journey.confirmedReader(email);
      const { context, page } = await openPage(journey.browser, viewport);
      await journey.signIn(page, email);

      // Join: npm start's tiers offer a choice of prices; Coffee's first, preselected by the link, on to Checkout.
      await page.goto(`${journey.stack.url}/join?tier=coffee`);
      await heading(page, "Become a patron");
      await page.getByText(`Joining as ${email}`).waitFor();
      const coffee = page.getByRole("group", { name: "Coffee" });
      expect(await coffee.getByRole("radio", { name: "€5 a month" }).isChecked()).toBe(true);
      for (const price of ["€50 a year (two months free)", "£4.50 a month", "£45 a year (two months free)"]) {
        expect(await coffee.getByRole("radio", { name: price }).count(), price).toBe(1);
      }
      expect(await page.getByRole("group", { name: "Co-creator" }).getByRole("radio").count()).toBe(2);
      await checkPage(page, "join-signed-in");
      await page.getByRole("button", { name: "Continue to payment" }).click();
      await heading(page, "Pay €5.00 a month");
      expect(page.url().startsWith(`${journey.stack.stripeUrl}/c/pay/`)).toBe(true);
      await page.getByText("Local Stripe stand-in — no money moves").waitFor();
      await checkPage(page, "standin-checkout");

      // Pay: back on the account, where the membership shows; the welcome email is in the mail viewer.
      await page.getByRole("button", { name: "Pay", exact: true }).click();
      await heading(page, "Your account");
      expect(new URL(page.url()).search).toBe("?membership=welcome");
      await page.getByText("You're a Coffee patron").waitFor();
      await page.getByText(/^It renews on/).waitFor();
      await checkPage(page, "account-joined");
      await waitForEmail(journey.stack.mailUrl, email, /^Welcome, patron/);

      // Pause instead of cancel: two months from the account (Stripe's pause_collection at the stand-in), the
      // account says until when, the email says so too; Resume now makes them a patron who votes again at once.
      await page.getByRole("radio", { name: "2 months" }).check();
      await page.getByRole("button", { name: "Pause my membership" }).click();
      await heading(page, "Your account");
      await page.getByText(/^Your membership is paused until/).waitFor();
      await checkPage(page, "account-paused");
      await waitForEmail(journey.stack.mailUrl, email, /membership is paused until/);
      await page.getByRole("button", { name: "Resume now" }).click();
      await heading(page, "Your account");
      await page.getByText("You're a Coffee patron").waitFor();
      expect(await page.getByText(/^Your membership is paused until/).count()).toBe(0);

      // Manage billing: the stand-in's portal; switch to Co-creator and cancel there, then return to the account,
      // which shows the new tier, ending. (A euro subscription is offered euro prices only, as Stripe's portal does.)
      await page.getByRole("button", { name: "Manage billing" }).click();
      await heading(page, "Manage your billing");
      await page.getByText("Active; renews on").waitFor();
      expect(await page.getByRole("button", { name: /^Switch to .*£/ }).count()).toBe(0);
      await checkPage(page, "standin-portal");
      await page.getByRole("button", { name: "Switch to Co-creator (€15.00 a month)" }).click();
      await page.getByRole("heading", { name: "Co-creator, €15.00 a month" }).waitFor();
      await page.getByRole("button", { name: "Cancel subscription" }).click();
      await page.getByText(/^Cancelled: ends on/).waitFor();
      await checkPage(page, "standin-portal-cancelled");
      await page.getByRole("link", { name: /^Return to/ }).click();
      await heading(page, "Your account");
      await page.getByText("You're a Co-creator patron").waitFor();
      await page.getByText(/^Your membership ends on/).waitFor();
      await checkPage(page, "account-ending");
      await context.close();
    });
  }

  it("the accessibility check fails a page with a serious violation", async () => {
    const page = await journey.browser.newPage();
    await page.setContent('<!DOCTYPE html><html lang="en"><title>t</title><main><input type="text"></main></html>');
    await expect(expectAccessible(page, "an unlabelled input")).rejects.toThrow(/label/);
    await page.close();
  });
});
