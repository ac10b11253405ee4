import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Topics from "../../topics";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { editorErrors, json } from "../openapi";

export const topicRoutes = new OpenAPIHono<EditorEnv>();

export const topicSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    status: z.enum(Topics.topicStatuses),
    articleIds: z.array(z.string()),
    proposedBy: z.string().optional().openapi({ description: "The patron who proposed it" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Topic");
export const scoredSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    status: z.enum(Topics.topicStatuses),
    score: z.number(),
    voters: z.number(),
  })
  .openapi("ScoredTopic");

topicRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/topics",
    summary: "Open and covered topics with their scores (public)",
    responses: { 200: json("Topics, highest score first", z.object({ topics: z.array(scoredSchema) })) },
  }),
  async (c) => c.json({ topics: await Topics.listPublic() }, 200),
);

topicRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/topics/{id}",
    summary: "Create or update a topic (idempotent)",
    ...editorSecurity,
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
