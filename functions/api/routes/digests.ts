import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Delivery from "../../../core/delivery";
import * as Digests from "../../../core/digests";
import { ENCODED_WORD } from "../../../core/email/message";
import * as Subscribers from "../../../core/subscribers";
import { frequencies } from "../../../core/subscribers/types";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { PreviewLinkPage } from "../views/digests";
import { editorErrors, htmlPage, json, jsonError } from "../openapi";
import { CSP, policy } from "../security-headers";

export const digestRoutes = new OpenAPIHono<EditorEnv>();

export const digestSchema = z
  .object({
    id: z.string(),
    frequency: z.enum(frequencies),
    period: z.string(),
    subject: z.string(),
    intro: z.string().optional(),
    translations: z
      .record(z.string(), z.object({ subject: z.string().optional(), intro: z.string().optional() }))
      .optional()
      .openapi({ description: "The editor's subject and intro in other languages, by language code" }),
    status: z.enum(Digests.digestStatuses),
    articleIds: z.array(z.string()),
    coversFrom: z.string(),
    coversTo: z.string(),
    createdAt: z.string(),
    sentAt: z.string().optional(),
    pauseReason: z.string().optional(),
    counts: z.object({ recipients: z.number() }).catchall(z.number()),
    control: z
      .object({ action: z.enum(["cancel", "resume"]), startedAt: z.string(), done: z.boolean() })
      .optional()
      .openapi({
        description:
          "The last cancel or resume, worked through the deliveries a page at a time after the request answered: until " +
          "`done`, a cancelled digest still counts queued deliveries (being settled skipped) and a resumed one queued " +
          "deliveries not yet back on the send queue.",
      }),
  })
  .openapi("Digest");
/** A digest as the API shows it: the schema's fields only (planning progress and the like stay inside). */
export const present = ({ control, ...digest }: Digests.Digest) =>
  digestSchema.parse({
    ...digest,
    ...(control && { control: { action: control.action, startedAt: control.startedAt, done: control.position === "done" } }),
  });

export const digestId = z.object({ id: z.string().regex(/^(daily|weekly)-[0-9W-]{7,10}$/, "a digest id") });

export const noControl = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), "must not contain control characters")
    .refine((value) => !ENCODED_WORD.test(value), "must not contain MIME encoded words (=?…?=)");

digestRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/digests",
    summary: "Create the digest of a frequency and period (idempotent)",
    ...editorSecurity("send"),
    request: {
      body: {
        content: {
          "application/json": {
            schema: z.object({
              frequency: z.enum(frequencies),
              period: z.string().max(10).optional().openapi({ description: "2026-11-30 (daily) or 2026-W48 (weekly)" }),
              subject: noControl(200).optional().openapi({
                description: "In the default language; without it, each language's automatic subject (the outlet and the week in words)",
              }),
              intro: z.string().trim().max(5000).optional(),
              translations: z
                .record(
                  z.string().regex(/^[a-z]{2,3}$/, "a language code"),
                  z.object({ subject: noControl(200).optional(), intro: z.string().trim().max(5000).optional() }),
                )
                .optional()
                .openapi({
                  description:
                    "The subject and intro in other languages of LANGUAGES (`{ uk: { subject, intro } }`); a language " +
                    "without a subject gets its automatic one, without an intro none",
                }),
            }),
          },
        },
        required: true,
      },
    },
    responses: {
      201: json("Created", z.object({ digest: digestSchema })),
      200: json("It existed already", z.object({ digest: digestSchema })),
      ...editorErrors,
    },
  }),
  async (c) => {
    const { digest, created } = await Digests.create(c.req.valid("json"));
    return c.json({ digest: present(digest) }, created ? 201 : 200);
  },
);

digestRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/digests",
    summary: "List digests, newest first",
    ...editorSecurity("read"),
    request: {
      query: z.object({ status: z.enum(Digests.digestStatuses).optional(), cursor: z.string().max(2000).optional() }),
    },
    responses: {
      200: json("A page of digests", z.object({ digests: z.array(digestSchema), cursor: z.string().nullable() })),
      ...editorErrors,
    },
  }),
  async (c) => {
    const page = await Digests.list(c.req.valid("query"));
    return c.json({ digests: page.digests.map(present), cursor: page.cursor }, 200);
  },
);

digestRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/digests/{id}",
    summary: "One digest, with its delivery counts",
    ...editorSecurity("read"),
    request: { params: digestId },
    responses: { 200: json("The digest", z.object({ digest: digestSchema })), ...editorErrors },
  }),
  async (c) => c.json({ digest: present(await Delivery.withCounts(await Digests.get(c.req.valid("param").id))) }, 200),
);

const variant = z.enum(["free", "patron"]);
const language = z.string().regex(/^[a-z]{2,3}$/).optional().openapi({ description: "The sample reader's language (default: the default language)" });
const emailPreviewPolicy = () => policy({ "style-src": ["'unsafe-inline'"] });
const readerEmail = Subscribers.Input.email;

digestRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/digests/{id}/preview",
    summary: "Preview what a reader would receive",
    description:
      "As the sample reader of a variant (follows every topic), or as one subscriber (`email`): their articles, name " +
      "and variant, in their language, but links that act on nobody (a page saying they are a preview's, no token " +
      "of any purpose). The sample reader reads `language`.",
    ...editorSecurity("send"),
    request: {
      params: digestId,
      query: z.object({ variant: variant.optional(), language, format: z.enum(["html", "text"]).optional(), email: readerEmail.optional() }),
    },
    responses: {
      200: {
        description: "The reader's copy",
        content: { "text/html": { schema: z.string() }, "text/plain": { schema: z.string() } },
      },
      ...editorErrors,
    },
  }),
  async (c) => {
    const { variant, language, format, email } = c.req.valid("query");
    const digest = await Digests.get(c.req.valid("param").id);
    const message = await Digests.messageFor(digest, await Digests.resolveReader({ email, variant, language }));
    const headers: Record<string, string> = message.language ? { "Content-Language": message.language } : {};
    if (format === "text") return c.text(message.text, 200, headers);
    // An email is styled inline (style attributes, for mail clients); no script runs in it here either.
    return c.html(message.html, 200, { ...headers, [CSP]: emailPreviewPolicy() });
  },
);

digestRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/digests/{id}/test",
    summary: "Send [TEST] copies to given addresses",
    ...editorSecurity("send"),
    request: {
      params: digestId,
      body: {
        content: {
          "application/json": {
            schema: z.object({ to: z.array(readerEmail).min(1).max(10), variant: variant.optional(), language, email: readerEmail.optional() }),
          },
        },
        required: true,
      },
    },
    responses: {
      202: json("Sent", z.object({ sent: z.number() })),
      ...editorErrors,
      429: jsonError(`More than ${Digests.TEST_SENDS.perEditor} test sends an hour from this token, or too many failed authentications`),
    },
  }),
  async (c) => {
    const { to, variant, language, email } = c.req.valid("json");
    const digest = await Digests.get(c.req.valid("param").id);
    const sent = await Digests.sendTestCopies(digest, await Digests.resolveReader({ email, variant, language }), to, c.var.editor);
    return c.json({ sent }, 202);
  },
);

digestRoutes.openapi(
  createRoute({
    method: "get",
    path: Digests.PREVIEW_LINK_PATH,
    summary: "Where the links of a preview or [TEST] copy lead: a page saying so (they act on nobody)",
    request: { query: z.object({ link: z.enum(Digests.previewLinks) }) },
    responses: { 200: htmlPage("This link is from a preview") },
  }),
  (c) => c.html(PreviewLinkPage({ link: c.req.valid("query").link }), 200),
);
