/**
 * Topics on the web: the list with scores (everyone), and the vote and withdraw buttons of a signed-in patron.
 * The buttons are forms POSTing to `/topics/{id}/vote|unvote` with the session cookie, so `requireSession` checks
 * their Origin (the CSRF defence); each answers with a page saying what happened and where to go next.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Config from "../../config";
import { VisibleError } from "../../errors";
import * as Patrons from "../../patrons";
import * as Topics from "../../topics";
import * as Votes from "../../votes";
import { htmlPage } from "../openapi";
import { TopicsPage, VoteWithdrawnPage, type Voter } from "../pages/topics";
import { VoteRefusedPage, VotedPage } from "../pages/votes";
import { optionalSession, requireSession } from "../session";

export const topicPages = new OpenAPIHono();

const topicParam = z.object({ id: z.string().regex(Topics.TOPIC_ID, "lower-case letters, digits and -") });
const redirect = { description: "Not signed in; to the sign-in page", headers: z.object({ location: z.string() }) };

async function voterOf(subscriberId: string | undefined): Promise<Voter> {
  if (!subscriberId) return { kind: "signed-out" };
  const patron = await Patrons.get(subscriberId);
  if (patron?.status === "grace") return { kind: "grace", votes: await Votes.votesOf(subscriberId) };
  if (!Patrons.isEligible(patron)) return { kind: "not-patron" };
  return { kind: "eligible", votes: await Votes.votesOf(subscriberId), max: Config.get().MAX_VOTES_PER_PATRON };
}

topicPages.openapi(
  createRoute({
    method: "get",
    path: "/topics",
    summary: "Topics page: open and covered topics with scores; vote buttons for a signed-in eligible patron",
    middleware: [optionalSession] as const,
    responses: { 200: htmlPage("The topics") },
  }),
  async (c) => {
    const [topics, voter] = await Promise.all([Topics.listPublic(), voterOf(c.var.subscriber?.id)]);
    if (c.var.subscriber) c.header("Cache-Control", "no-store"); // the buttons are this patron's
    return c.html(<TopicsPage topics={topics} voter={voter} />, 200);
  },
);

topicPages.openapi(
  createRoute({
    method: "post",
    path: "/topics/{id}/vote",
    summary: "Vote for a topic from the topics page (signed-in patron; Origin-checked; idempotent)",
    middleware: [requireSession] as const,
    request: { params: topicParam },
    responses: {
      200: htmlPage("Vote counted"),
      303: redirect,
      403: htmlPage("Not counted: not an eligible patron; or posted from another site"),
      404: htmlPage("No such topic"),
      409: htmlPage("Not counted: over the limit, or the topic is not open"),
    },
  }),
  async (c) => {
    try {
      return c.html(<VotedPage topic={await Votes.vote(c.var.subscriber.id, c.req.valid("param").id)} />, 200);
    } catch (error) {
      if (!(error instanceof VisibleError) || (error.status !== 403 && error.status !== 409)) throw error;
      return c.html(<VoteRefusedPage message={error.message} code={error.code} />, error.status);
    }
  },
);

topicPages.openapi(
  createRoute({
    method: "post",
    path: "/topics/{id}/unvote",
    summary: "Withdraw a vote from the topics or account page (signed in; Origin-checked; idempotent)",
    middleware: [requireSession] as const,
    request: { params: topicParam },
    responses: {
      200: htmlPage("Vote withdrawn"),
      303: redirect,
      403: htmlPage("Posted from another site"),
      404: htmlPage("No such topic"),
    },
  }),
  async (c) => c.html(<VoteWithdrawnPage topic={await Votes.unvote(c.var.subscriber.id, c.req.valid("param").id)} />, 200),
);
