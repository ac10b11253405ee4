/** The signed-in reader's pages. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Config from "../../../core/config";
import * as Patrons from "../../../core/patrons";
import * as Subscribers from "../../../core/subscribers";
import * as Topics from "../../../core/topics";
import * as Votes from "../../../core/votes";
import { htmlPage } from "../openapi";
import { AccountPage, VotesSection } from "../views/account";
import { MembershipSection } from "../views/membership";
import { PrivacySection } from "../views/privacy";
import { requireSession } from "../session";

export const accountRoutes = new OpenAPIHono();

accountRoutes.openapi(
  createRoute({
    method: "get",
    path: "/account",
    summary: "The signed-in reader's account page",
    middleware: [requireSession] as const,
    responses: {
      200: htmlPage("Who is signed in: subscription and preferences, membership (tier, renewal, Manage billing), votes, your data (download, erase); sign out"),
      303: { description: "Not signed in; to the sign-in page", headers: z.object({ location: z.string() }) },
    },
  }),
  async (c) => {
    const { subscriber } = c.var;
    const [patron, votes, topicTitles] = await Promise.all([
      Patrons.get(subscriber.id),
      Votes.votesOf(subscriber.id),
      Topics.titlesOf(subscriber.topics), // the topics they follow, by id: never every topic
    ]);
    const membership = <MembershipSection patron={patron} tiers={Config.get().TIERS} />;
    // Patrons see their votes (none yet, too); a reader who never was one has no votes to show.
    const votesSection = (patron || votes.length > 0) && <VotesSection votes={votes} />;
    const page = (
      <AccountPage
        subscriber={subscriber}
        manageUrl={Subscribers.manageUrl(subscriber.id)}
        topicTitles={topicTitles}
        membership={membership}
        votes={votesSection}
        privacy={<PrivacySection patron={patron?.status === "active" || patron?.status === "grace"} />}
      />
    );
    return c.html(page, 200);
  },
);
