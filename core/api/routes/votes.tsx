/**
 * Topic votes over HTTP: signed-in patrons vote and unvote (`/api/topics/{id}/vote`) and propose topics; a
 * digest's vote link opens a page whose button POSTs (link scanners cast nothing); editors see a topic's votes.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Db from "../../db";
import { VisibleError } from "../../errors";
import * as Topics from "../../topics";
import * as Votes from "../../votes";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { editorErrors, form, htmlPage, json, jsonError, tokenQuery } from "../openapi";
import { VotePage, VoteRefusedPage, VotedPage } from "../pages/votes";
import { requireSession } from "../session";
import { scoredSchema, topicSchema } from "./topics";

export const voteRoutes = new OpenAPIHono<EditorEnv>();

const topicParam = z.object({ id: z.string().regex(Topics.TOPIC_ID, "lower-case letters, digits and -") });
const voteErrors = {
  401: jsonError("Not signed in"),
  403: jsonError("`not_eligible`: not an active or comped patron (in grace, votes are kept but none cast); or another origin"),
  404: jsonError("No such topic"),
};

for (const method of ["post", "delete"] as const) {
  voteRoutes.openapi(
    createRoute({
      method,
      path: "/api/topics/{id}/vote",
      summary: method === "post" ? "Vote for an open topic (signed-in patron; idempotent)" : "Withdraw a vote (idempotent)",
      description:
        method === "post"
          ? "With the tier's vote weight, for up to MAX_VOTES_PER_PATRON open topics. 409 `vote_limit` past it, 409 `topic_not_open` for a topic not open."
          : undefined,
      middleware: requireSession,
      request: { params: topicParam },
      responses: {
        200: json("The topic with its score and voter count", z.object({ topic: scoredSchema })),
        ...voteErrors,
        ...(method === "post" && { 409: jsonError("`vote_limit` or `topic_not_open`") }),
      },
    }),
    async (c) => {
      const act = method === "post" ? Votes.vote : Votes.unvote;
      return c.json({ topic: await act(c.var.subscriber.id, c.req.valid("param").id) }, 200);
    },
  );
}

voteRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/topics/proposals",
    summary: "Propose a topic (signed-in eligible patron); it is `proposed` until an editor opens it",
    middleware: requireSession,
    request: {
      body: {
        content: { "application/json": { schema: Topics.topicInput.pick({ title: true, description: true }) } },
        required: true,
      },
    },
    responses: {
      201: json("The proposed topic", z.object({ topic: topicSchema })),
      400: jsonError("Invalid input"),
      401: jsonError("Not signed in"),
      403: jsonError("`not_eligible`: not an active or comped patron; or another origin"),
    },
  }),
  async (c) => c.json({ topic: await Votes.propose(c.var.subscriber.id, c.req.valid("json")) }, 201),
);

voteRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/topics/{id}/votes",
    summary: "A topic's votes: score and voters by tier, and every vote (those that no longer count too)",
    ...editorSecurity,
    request: { params: topicParam },
    responses: {
      200: json(
        "The votes",
        z.object({
          topic: scoredSchema,
          byTier: z.array(z.object({ tierId: z.string(), score: z.number(), voters: z.number() })),
          voters: z.array(
            z.object({ subscriberId: z.string(), tierId: z.string(), weight: z.number(), counted: z.boolean(), createdAt: z.string() }),
          ),
        }),
      ),
      ...editorErrors,
    },
  }),
  async (c) => c.json(await Votes.results(c.req.valid("param").id), 200),
);

const pageErrors = { 400: htmlPage("Invalid or expired link"), 404: htmlPage("No such topic") };

voteRoutes.openapi(
  createRoute({
    method: "get",
    path: "/vote",
    summary: "Vote page from a digest's vote link (its button POSTs; opening it changes nothing)",
    request: { query: tokenQuery },
    responses: { 200: htmlPage("The topic and a vote button"), ...pageErrors },
  }),
  async (c) => {
    const { token } = c.req.valid("query");
    const { topicId } = Votes.fromVoteToken(token);
    const topic = await Db.Topics.get(topicId);
    if (!topic || topic.status === "proposed") throw new VisibleError("not_found", "not_found", "No such topic.");
    return c.html(<VotePage token={token} topic={topic} />, 200);
  },
);

voteRoutes.openapi(
  createRoute({
    method: "post",
    path: "/vote",
    summary: "Cast the vote of a vote link",
    request: { body: form(z.object({ token: z.string().max(400) })) },
    responses: {
      200: htmlPage("Vote counted"),
      403: htmlPage("Not counted: not an eligible patron"),
      409: htmlPage("Not counted: over the limit, or the topic is not open"),
      ...pageErrors,
    },
  }),
  async (c) => {
    const { subscriberId, topicId } = Votes.fromVoteToken(c.req.valid("form").token);
    try {
      return c.html(<VotedPage topic={await Votes.vote(subscriberId, topicId)} />, 200);
    } catch (error) {
      if (!(error instanceof VisibleError) || (error.status !== 403 && error.status !== 409)) throw error;
      return c.html(<VoteRefusedPage message={error.message} code={error.code} />, error.status);
    }
  },
);
