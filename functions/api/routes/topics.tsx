/**
 * Topics and their votes over HTTP (`product.md` → Topic votes). Everyone sees the open and covered topics with
 * their scores (`GET /api/topics`, the `/topics` page); editors define topics and see a topic's votes; signed-in
 * patrons vote, withdraw and propose, as JSON (`/api/topics/{id}/vote`) or from the topics page, whose buttons are
 * forms POSTing to `/topics/{id}/vote|unvote` with the session cookie (so `requireSession` checks their Origin, the
 * CSRF defence) and answer with a page saying what happened. A digest's vote link opens a page whose button POSTs
 * (link scanners cast nothing).
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Config from "../../../core/config";
import { VisibleError } from "../../../core/errors";
import * as Patrons from "../../../core/patrons";
import * as Topics from "../../../core/topics";
import * as Votes from "../../../core/votes";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { speakTo } from "../language";
import { editorErrors, form, htmlPage, json, jsonError, tokenQuery } from "../openapi";
import { optionalSession, requireSession } from "../session";
import { TopicsPage, VotePage, VoteRefusedPage, VoteWithdrawnPage, VotedPage, type Refusal, type Voter } from "../views/topics";

export const topicRoutes = new OpenAPIHono<EditorEnv>();

const fundingSchema = z
  .object({
    goal: z.number().nullable().openapi({ description: "The editors' goal (minor units), null if none" }),
    raised: z.number().openapi({ description: "Paid towards the topic, net of refunds (minor units)" }),
    contributors: z.number().openapi({ description: "Contributions towards it (payments, not people), those refunded in full left out" }),
    currency: z.string(),
  })
  .openapi("Funding");

const translationsSchema = z
  .record(z.string(), z.object({ title: z.string(), description: z.string().optional() }))
  .optional()
  .openapi({ description: "Its title (and description) in the other languages of LANGUAGES, by language code", example: { uk: { title: "Вода Херсона" } } });

const topicSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    translations: translationsSchema,
    status: z.enum(Topics.topicStatuses),
    articleIds: z.array(z.string()),
    proposedBy: z.string().optional().openapi({ description: "The patron who proposed it" }),
    openedAt: z.string().optional().openapi({ description: "When it last became open for votes" }),
    fundingGoal: z.number().optional().openapi({ description: "What contributions towards it should raise, in CONTRIBUTION_CURRENCY's minor unit" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Topic");
const scoredSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    translations: translationsSchema,
    status: z.enum(Topics.topicStatuses),
    score: z.number(),
    voters: z.number(),
    funding: fundingSchema.optional(),
  })
  .openapi("ScoredTopic");

topicRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/topics",
    summary: "Open and covered topics with their scores (public)",
    description:
      "The same for everyone, so kept briefly (`Cache-Control: public, max-age`): a vote or an editor's change shows " +
      `within ${Topics.PUBLIC_TOPICS_MAX_AGE} seconds.`,
    responses: { 200: json("Topics, highest score first", z.object({ topics: z.array(scoredSchema) })) },
  }),
  async (c) => {
    const { topics, maxAge } = await Topics.listPublicCached();
    // With a credential, `noStoreWhenPersonal` (app.ts) makes it `no-store` after this.
    c.header("Cache-Control", `public, max-age=${maxAge}`);
    return c.json({ topics }, 200);
  },
);

topicRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/topics/{id}",
    summary: "Create or update a topic (idempotent)",
    description:
      "`fundingGoal` (a positive integer in CONTRIBUTION_CURRENCY's minor unit, at most 1,000,000,000) gives the topic a " +
      "funding goal, shown with its progress on `/topics` and `/support`; null removes it; left out, it stays. " +
      "`translations` gives its title (and description) in the other languages of LANGUAGES, by code " +
      '(`{ "uk": { "title": "…" } }`): given, they replace those it had (`{}` removes them); left out, they stay. A ' +
      "language that is not one of LANGUAGES, or the default one (whose title is `title`), is 400, nothing changed.",
    ...editorSecurity("send"),
    request: {
      params: z.object({ id: z.string().regex(Topics.TOPIC_ID, "lower-case letters, digits and -") }),
      body: { content: { "application/json": { schema: Topics.topicInput } }, required: true },
    },
    responses: {
      201: json("Created", z.object({ topic: topicSchema })),
      200: json("Updated, or unchanged", z.object({ topic: topicSchema })),
      ...editorErrors,
    },
  }),
  async (c) => {
    const { topic, outcome } = await Topics.upsert(c.req.valid("param").id, c.req.valid("json"));
    return c.json({ topic }, outcome === "created" ? 201 : 200);
  },
);

const topicParam = z.object({ id: z.string().regex(Topics.TOPIC_ID, "lower-case letters, digits and -") });

topicRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/topics/{id}/funding",
    summary: "How far contributions towards a topic have come (public)",
    description:
      "`goal` is the editors' funding goal (null if none); `raised` is what contributions towards the topic paid, net of " +
      "refunds; `contributors` counts those payments (not people), leaving out any refunded in full. Read afresh.",
    request: { params: topicParam },
    responses: { 200: json("The funding", fundingSchema), 404: jsonError("No such topic") },
  }),
  async (c) => c.json(await Topics.funding(c.req.valid("param").id), 200),
);
const voteErrors = {
  401: jsonError("Not signed in"),
  403: jsonError("`not_eligible`: not an active or comped patron (in grace, votes are kept but none cast); or another origin"),
  404: jsonError("No such topic"),
};

for (const method of ["post", "delete"] as const) {
  topicRoutes.openapi(
    createRoute({
      method,
      path: "/api/topics/{id}/vote",
      summary: method === "post" ? "Vote for an open topic (signed-in patron; idempotent)" : "Withdraw a vote (idempotent)",
      description:
        method === "post"
          ? "With the tier's vote weight, for up to MAX_VOTES_PER_PATRON open topics. 409 `vote_limit` past it, 409 `topic_not_open` for a topic not open."
          : "From an open topic. A closed or covered topic's score is final: 409 `topic_not_open`, nothing changes.",
      middleware: requireSession,
      request: { params: topicParam },
      responses: {
        200: json("The topic with its score and voter count", z.object({ topic: scoredSchema })),
        ...voteErrors,
        409: jsonError(method === "post" ? "`vote_limit` or `topic_not_open`" : "`topic_not_open`: voting on the topic has closed"),
      },
    }),
    async (c) => {
      const act = method === "post" ? Votes.vote : Votes.unvote;
      return c.json({ topic: await act(c.var.subscriber.id, c.req.valid("param").id) }, 200);
    },
  );
}

topicRoutes.openapi(
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
    description:
      "At most MAX_OPEN_PROPOSALS_PER_PATRON (default 3) proposals of one patron wait for the editors at once: past it " +
      "409 `proposal_limit`, nothing written. A place frees once an editor opens, closes or covers one.",
    responses: {
      201: json("The proposed topic", z.object({ topic: topicSchema })),
      400: jsonError("Invalid input"),
      401: jsonError("Not signed in"),
      403: jsonError("`not_eligible`: not an active or comped patron; or another origin"),
      409: jsonError("`proposal_limit`: MAX_OPEN_PROPOSALS_PER_PATRON proposals of this patron already wait for the editors"),
    },
  }),
  async (c) => c.json({ topic: await Topics.propose(c.var.subscriber.id, c.req.valid("json")) }, 201),
);

topicRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/topics/{id}/votes",
    summary: "A topic's votes: score and voters by tier, and every vote (those that no longer count too)",
    ...editorSecurity("read"),
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

/** A vote cast from a page's button: the page saying it counted, or why not (403, 409) and what to do instead. */
async function voteFromPage(subscriberId: string, topicId: string) {
  try {
    return { page: <VotedPage topic={await Votes.vote(subscriberId, topicId)} />, status: 200 as const };
  } catch (error) {
    if (!(error instanceof VisibleError) || (error.status !== 403 && error.status !== 409)) throw error;
    return { page: <VoteRefusedPage refusal={await refusalOf(error, subscriberId)} />, status: error.status };
  }
}

/** Why a vote was refused, in the terms its page words it in (the error's own message is English). */
async function refusalOf(error: VisibleError, subscriberId: string): Promise<Refusal> {
  if (error.code === "not_eligible") return { code: "not_eligible", grace: (await Patrons.get(subscriberId))?.status === "grace" };
  if (error.code === "vote_limit") return { code: "vote_limit", max: Config.get().MAX_VOTES_PER_PATRON };
  return { code: "topic_not_open" };
}

/** A vote link's pages speak the language of the digest it came in: its patron's. */
async function speakToVoter(subscriberId: string): Promise<void> {
  speakTo(await Votes.voterLanguage(subscriberId));
}

topicRoutes.openapi(
  createRoute({
    method: "get",
    path: "/vote",
    summary: "Vote page from a digest's vote link (its button POSTs; opening it changes nothing)",
    request: { query: tokenQuery },
    responses: { 200: htmlPage("The topic and a vote button"), ...pageErrors },
  }),
  async (c) => {
    const { token } = c.req.valid("query");
    const { subscriberId, topicId } = Votes.fromVoteToken(token);
    const [topic] = await Promise.all([Votes.openTopic(topicId), speakToVoter(subscriberId)]);
    return c.html(<VotePage token={token} topic={topic} />, 200);
  },
);

topicRoutes.openapi(
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
    await speakToVoter(subscriberId);
    const { page, status } = await voteFromPage(subscriberId, topicId);
    return c.html(page, status);
  },
);

const redirect = { description: "Not signed in; to the sign-in page", headers: z.object({ location: z.string() }) };

async function voterOf(subscriberId: string | undefined): Promise<Voter> {
  if (!subscriberId) return { kind: "signed-out" };
  const patron = await Patrons.get(subscriberId);
  if (patron?.status === "grace") return { kind: "grace", votes: await Votes.votesOf(subscriberId) };
  if (patron?.status === "paused") return { kind: "paused", until: patron.pausedUntil };
  if (!Patrons.isEligible(patron)) return { kind: "not-patron" };
  return { kind: "eligible", votes: await Votes.votesOf(subscriberId), max: Config.get().MAX_VOTES_PER_PATRON };
}

topicRoutes.openapi(
  createRoute({
    method: "get",
    path: "/topics",
    summary: "Topics page: open and covered topics with scores; vote buttons for a signed-in eligible patron",
    description:
      `Signed out, the same page for everyone, kept briefly (\`Cache-Control: public, max-age\`, at most ` +
      `${Topics.PUBLIC_TOPICS_MAX_AGE} seconds old); signed in, read afresh and \`no-store\`.`,
    middleware: [optionalSession] as const,
    responses: { 200: htmlPage("The topics") },
  }),
  async (c) => {
    const subscriberId = c.var.subscriber?.id;
    if (subscriberId) {
      // The buttons and scores beside this patron's own votes: read now, kept by nobody.
      const [topics, voter] = await Promise.all([Topics.listPublic(), voterOf(subscriberId)]);
      c.header("Cache-Control", "no-store");
      return c.html(<TopicsPage topics={topics} voter={voter} />, 200);
    }
    const { topics, maxAge } = await Topics.listPublicCached();
    // The same page for every visitor without a session; a cache must not give it to one with a cookie (who may
    // be signed in), and `noStoreWhenPersonal` (app.ts) makes any response to a credential `no-store`.
    c.header("Cache-Control", `public, max-age=${maxAge}`);
    c.header("Vary", "Cookie");
    return c.html(<TopicsPage topics={topics} voter={{ kind: "signed-out" }} />, 200);
  },
);

topicRoutes.openapi(
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
    const { page, status } = await voteFromPage(c.var.subscriber.id, c.req.valid("param").id);
    return c.html(page, status);
  },
);

topicRoutes.openapi(
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
      409: htmlPage("Not withdrawn: voting on the topic has closed, its score is final"),
    },
  }),
  async (c) => c.html(<VoteWithdrawnPage topic={await Votes.unvote(c.var.subscriber.id, c.req.valid("param").id)} />, 200),
);
