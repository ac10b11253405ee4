import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Articles from "../../../core/articles";
import { TOPIC_ID } from "../../../core/topics";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { editorErrors, json } from "../openapi";

export const articleRoutes = new OpenAPIHono<EditorEnv>();

const articleSchema = Articles.articleInput.extend({ id: z.string(), createdAt: z.string(), updatedAt: z.string() }).openapi("Article");
const idParam = z.object({ id: z.string().regex(Articles.ARTICLE_ID, "letters, digits, - and _") });

articleRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/articles/{id}",
    summary: "Create or update an article (idempotent)",
    description:
      "`language` is one of LANGUAGES (default: the default language, the first). A translation names its original " +
      "in `translationOf`: the original must exist, must not be a translation itself and must be in another language, " +
      "and it has at most one translation per language; otherwise 400, and nothing changes. A digest gives each reader " +
      "each story once: the version in their language where there is one, else the original, marked with its language.",
    ...editorSecurity("send"),
    request: { params: idParam, body: { content: { "application/json": { schema: Articles.articleInput } }, required: true } },
    responses: {
      201: json("Created", z.object({ article: articleSchema })),
      200: json("Updated, or unchanged", z.object({ article: articleSchema })),
      ...editorErrors,
    },
  }),
  async (c) => {
    const { article, outcome } = await Articles.upsert(c.req.valid("param").id, c.req.valid("json"));
    return c.json({ article }, outcome === "created" ? 201 : 200);
  },
);

articleRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/articles",
    summary: "List articles, newest first",
    ...editorSecurity("read"),
    request: {
      query: z.object({
        since: z.iso.datetime({ offset: true }).optional(),
        until: z.iso.datetime({ offset: true }).optional(),
        topic: z.string().regex(TOPIC_ID).optional(),
        cursor: z.string().max(2000).optional(),
        limit: z.coerce.number().int().min(1).max(100).optional(),
      }),
    },
    responses: {
      200: json("A page of articles", z.object({ articles: z.array(articleSchema), cursor: z.string().nullable() })),
      ...editorErrors,
    },
  }),
  async (c) => {
    const { since, until, ...rest } = c.req.valid("query");
    const iso = (value?: string) => value && new Date(value).toISOString();
    return c.json(await Articles.list({ ...rest, since: iso(since), until: iso(until) }), 200);
  },
);

articleRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/articles/{id}",
    summary: "One article",
    ...editorSecurity("read"),
    request: { params: idParam },
    responses: { 200: json("The article", z.object({ article: articleSchema })), ...editorErrors },
  }),
  async (c) => c.json({ article: await Articles.get(c.req.valid("param").id) }, 200),
);

articleRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/articles/{id}",
    summary: "Delete an article (idempotent)",
    ...editorSecurity("send"),
    request: { params: idParam },
    responses: { 204: { description: "Deleted, or was not there" }, ...editorErrors },
  }),
  async (c) => {
    await Articles.remove(c.req.valid("param").id);
    return c.body(null, 204);
  },
);
