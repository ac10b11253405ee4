/** The signed-in reader's pages, and the confirm link of a change of address (the address they sign in with). */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Config from "../../../core/config";
import * as Contributions from "../../../core/contributions";
import * as Gifts from "../../../core/gifts";
import * as Patrons from "../../../core/patrons";
import * as Subscribers from "../../../core/subscribers";
import * as Topics from "../../../core/topics";
import * as Votes from "../../../core/votes";
import { currentLanguage, speakTo, t } from "../language";
import { form, htmlPage, tokenQuery } from "../openapi";
import { AccountPage, ContributionsSection, EmailChangePage, EmailChangedPage, EmailChangeTakenPage, VotesSection } from "../views/account";
import { GiftsSection } from "../views/gifts";
import { MembershipSection } from "../views/membership";
import { PrivacySection } from "../views/privacy";
import { clearSessionCookie, requireSession } from "../session";

export const accountRoutes = new OpenAPIHono();

accountRoutes.openapi(
  createRoute({
    method: "get",
    path: "/account",
    summary: "The signed-in reader's account page",
    middleware: [requireSession] as const,
    responses: {
      200: htmlPage("Who is signed in: subscription and preferences, membership (tier, renewal, Manage billing, a pause), votes, contributions, gifts given, your data (download, erase); sign out"),
      303: { description: "Not signed in; to the sign-in page", headers: z.object({ location: z.string() }) },
    },
  }),
  async (c) => {
    const { subscriber } = c.var;
    const language = currentLanguage();
    const [patron, votes, topicTitles, contributions, gifts] = await Promise.all([
      Patrons.get(subscriber.id),
      Votes.votesOf(subscriber.id),
      Topics.titlesOf(subscriber.topics, language), // the topics they follow, by id: never every topic
      Contributions.bySubscriber(subscriber.id, subscriber.email),
      Gifts.givenBy(subscriber.id, language),
    ]);
    const contributionTopics = await Topics.titlesOf([...new Set(contributions.flatMap((c) => (c.topicId ? [c.topicId] : [])))], language);
    // The pause's section loads with the page, not at cold start (see views/pause.tsx).
    const { PauseSection } = await import("../views/pause");
    const membership = (
      <>
        {/* Back from the card update of a billing email's link (`/billing/update`): say it worked. */}
        {c.req.query("billing") === "updated" && <p role="status">{t("billing.account.updated")}</p>}
        <MembershipSection patron={patron} tiers={Config.get().TIERS} />
        <PauseSection patron={patron} />
      </>
    );
    // Patrons see their votes (none yet, too); a reader who never was one has no votes to show.
    const votesSection = (patron || votes.length > 0) && <VotesSection votes={votes} />;
    const page = (
      <AccountPage
        subscriber={subscriber}
        manageUrl={Subscribers.manageUrl(subscriber.id)}
        topicTitles={topicTitles}
        membership={membership}
        votes={votesSection}
        contributions={contributions.length > 0 && <ContributionsSection contributions={contributions} topicTitles={contributionTopics} />}
        gifts={gifts.length > 0 && <GiftsSection gifts={gifts} />}
        privacy={<PrivacySection patron={patron?.status === "active" || patron?.status === "grace" || patron?.status === "paused"} />}
      />
    );
    return c.html(page, 200);
  },
);

accountRoutes.openapi(
  createRoute({
    method: "get",
    path: "/email-change",
    summary: "A change of address's confirm link: a page whose button POSTs",
    description: "The link a patron's new address (changed at Stripe) is sent; opening it changes nothing.",
    request: { query: tokenQuery },
    responses: { 200: htmlPage("The new address and a confirm button"), 400: htmlPage("Invalid, expired, withdrawn or replaced link") },
  }),
  async (c) => {
    const { token } = c.req.valid("query");
    const link = await Patrons.checkEmailChange(token);
    speakTo(link.language);
    return c.html(<EmailChangePage token={token} email={link.email} confirmed={link.confirmed} />, 200);
  },
);

accountRoutes.openapi(
  createRoute({
    method: "post",
    path: "/email-change",
    summary: "Confirm a change of address",
    description:
      "Makes the new address the subscriber's, ends every session of theirs (this device's cookie is cleared too) " +
      "and tells the old address. Pressed again, answers the same. An address another subscriber holds changes " +
      "nothing (409): subscriptions are never merged by a link.",
    request: { body: form(z.object({ token: z.string().max(400) })) },
    responses: {
      200: htmlPage("Changed"),
      400: htmlPage("Invalid, expired, withdrawn or replaced link"),
      409: htmlPage("The address belongs to another subscriber; nothing changed"),
    },
  }),
  async (c) => {
    const { outcome, email, language } = await Patrons.confirmEmailChange(c.req.valid("form").token);
    speakTo(language);
    if (outcome === "taken") return c.html(<EmailChangeTakenPage email={email} />, 409);
    clearSessionCookie(c);
    return c.html(<EmailChangedPage email={email} />, 200);
  },
);
