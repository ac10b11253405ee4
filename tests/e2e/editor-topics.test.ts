/**
 * The dashboard's topics in a real browser (Debian's Chromium), on a phone and a desktop, signed in as an editor
 * (the session's cookie added to the context): the topics page and a topic's page pass axe-core, fit the viewport
 * and break no Content-Security-Policy; an editor approves a patron's proposal and marks a topic covered with an
 * article, with forms only (no script), and the API reports both. The app is served in process over HTTP against
 * the local stack, its PUBLIC_URL the served address, so the forms' Origin is our own. The gifts and comps page
 * passes the same checks, and an admin grants a comp through its form. In Ukrainian (`?lang=uk`, then its cookie),
 * an editor approves a proposal and gives a topic its Ukrainian title through the topic's form.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Votes from "../../core/votes";
import { viewports } from "../helpers/browser";
import { useServedApp } from "../helpers/served-app";
import { browserCookie, dashboardCookie } from "../helpers/dashboard";
import { createArticle, createTopic, savePatron, saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { checkPage, heading, openPage } from "../helpers/pages";

useLocalStack();

const served = useServedApp();


describe("the dashboard's topics", () => {
  for (const viewport of viewports) {
    it(`approves a proposal and marks a topic covered, with forms (${viewport.width} px)`, async () => {
      const proposal = await createTopic({ title: `Bike parking ${viewport.name}`, status: "proposed", description: "Near the station" });
      const topic = await createTopic({ title: `River clean-up ${viewport.name}`, fundingGoal: 20_000 });
      const article = await createArticle({ title: `The river, cleaned ${viewport.name}`, topics: [topic.id] });
      const patron = await savePatron({ tierId: "co-creator" });
      await Votes.vote(patron.subscriberId, topic.id);

      const { context, page } = await openPage(served.browser, viewport);
      await context.addCookies([browserCookie(await dashboardCookie("editor"), served.base)]);

      await page.goto(`${served.base}/editor/topics`);
      await heading(page, "Topics");
      await checkPage(page, `editor-topics-${viewport.name}`);
      await page.getByRole("button", { name: `Approve “${proposal.title}”` }).click();
      await heading(page, "Topics");
      await page.getByRole("status").getByText("Topic opened for votes.").waitFor();
      expect((await Db.Topics.get(proposal.id))?.status).toBe("open");
      await checkPage(page, `editor-topics-approved-${viewport.name}`);

      await page.getByRole("link", { name: topic.title, exact: true }).click();
      await heading(page, topic.title);
      expect(await page.getByRole("img", { name: /Votes held now/ }).count()).toBe(1);
      await checkPage(page, `editor-topic-${viewport.name}`);
      await page.getByRole("checkbox", { name: new RegExp(article.title) }).check();
      await page.getByRole("button", { name: "Mark covered" }).click();
      await heading(page, topic.title);
      await page.getByRole("status").getByText("Topic marked covered.").waitFor();
      expect(await Db.Topics.get(topic.id)).toMatchObject({ status: "covered", articleIds: [article.id] });
      const reported = (await (await fetch(`${served.base}/api/topics`)).json()) as { topics: Array<{ id: string; status: string; score: number }> };
      expect(reported.topics.find((t) => t.id === topic.id)).toMatchObject({ status: "covered", score: 3 });
      await checkPage(page, `editor-topic-covered-${viewport.name}`);
      await context.close();
    });
  }
});

describe("the dashboard's topics in Ukrainian", () => {
  for (const viewport of viewports) {
    it(`approves a proposal and gives a topic its Ukrainian title, in Ukrainian (${viewport.width} px)`, async () => {
      const proposal = await createTopic({ title: `Tram stops ${viewport.name}`, status: "proposed" });
      const { context, page } = await openPage(served.browser, viewport);
      await context.addCookies([browserCookie(await dashboardCookie("editor"), served.base)]);

      await page.goto(`${served.base}/editor/topics?lang=uk`);
      await heading(page, "Теми");
      expect(await page.locator("html").getAttribute("lang")).toBe("uk");
      await checkPage(page, `editor-topics-uk-${viewport.name}`);
      await page.getByRole("button", { name: `Схвалити «${proposal.title}»` }).click();
      await page.getByRole("status").getByText("Тему відкрито для голосування.").waitFor();
      expect((await Db.Topics.get(proposal.id))?.status).toBe("open");

      // The language stays chosen (its cookie) from page to page.
      await page.getByRole("link", { name: proposal.title, exact: true }).click();
      await heading(page, proposal.title);
      await checkPage(page, `editor-topic-uk-${viewport.name}`);
      await page.getByLabel("Назва (українська мова, необов'язково)").fill(`Трамвайні зупинки ${viewport.name}`);
      await page.getByRole("button", { name: "Зберегти назви" }).click();
      await page.getByRole("status").getByText("Назви іншими мовами збережено.").waitFor();
      expect((await Db.Topics.get(proposal.id))?.translations).toEqual({ uk: { title: `Трамвайні зупинки ${viewport.name}` } });
      await context.close();
    });
  }
});

describe("the dashboard's gifts and comps", () => {
  for (const viewport of viewports) {
    it(`grants a comp with the form (${viewport.width} px)`, async () => {
      const reader = await saveSubscriber({ email: uniqueEmail(`comp-${viewport.name}`) });
      const { context, page } = await openPage(served.browser, viewport);
      await context.addCookies([browserCookie(await dashboardCookie("admin"), served.base)]);
      await page.goto(`${served.base}/editor/gifts`);
      await heading(page, "Gifts and comps");
      await checkPage(page, `editor-gifts-${viewport.name}`);
      await page.getByLabel("Subscriber's email address").fill(reader.email);
      await page.getByLabel("Tier").selectOption("yearly");
      await page.getByLabel(/^Until/).fill("2031-03-31");
      await page.getByRole("button", { name: "Grant the comp" }).click();
      await page.getByRole("status").getByText("Comp granted.").waitFor();
      expect(await Db.Patrons.get(reader.id)).toMatchObject({ status: "comped", compTierId: "yearly", compedUntil: "2031-03-31T23:59:59.999Z" });
      await checkPage(page, `editor-gifts-comped-${viewport.name}`);
      await context.close();
    });
  }
});
