/** Sending a digest and following it: send (or resume), cancel, and its deliveries by status. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Delivery from "../../../core/delivery";
import * as Digests from "../../../core/digests";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { editorErrors, json, jsonError } from "../openapi";
import { digestId, digestSchema, present } from "./digests";

export const sendingRoutes = new OpenAPIHono<EditorEnv>();

sendingRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/digests/{id}/send",
    summary: "Send the digest (idempotent; resumes a paused send)",
    ...editorSecurity("send"),
    request: { params: digestId },
    responses: { 202: json("Sending", z.object({ digest: digestSchema })), 409: jsonError("Cancelled"), ...editorErrors },
  }),
  async (c) => c.json({ digest: present(await Delivery.withCounts(await Delivery.start(c.req.valid("param").id))) }, 202),
);

sendingRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/digests/{id}/cancel",
    summary: "Cancel: nothing more is sent",
    ...editorSecurity("send"),
    request: { params: digestId },
    responses: { 200: json("Cancelled", z.object({ digest: digestSchema })), 409: jsonError("Sent already"), ...editorErrors },
  }),
  async (c) => c.json({ digest: present(await Delivery.withCounts(await Delivery.cancel(c.req.valid("param").id))) }, 200),
);

const deliverySchema = z
  .object({
    email: z.string(),
    status: z.enum(Digests.deliveryStatuses),
    reason: z.string().optional(),
    messageId: z.string().optional(),
    error: z.string().optional(),
    updatedAt: z.string(),
  })
  .openapi("Delivery");

sendingRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/digests/{id}/deliveries",
    summary: "The digest's deliveries, by status",
    ...editorSecurity("send"),
    request: {
      params: digestId,
      query: z.object({
        status: z.enum(Digests.deliveryStatuses).optional(),
        cursor: z.string().max(2000).optional(),
        limit: z.coerce.number().int().min(1).max(500).optional(),
      }),
    },
    responses: {
      200: json("A page of deliveries", z.object({ deliveries: z.array(deliverySchema), cursor: z.string().nullable() })),
      ...editorErrors,
    },
  }),
  async (c) => {
    const digest = await Digests.get(c.req.valid("param").id);
    const page = await Delivery.deliveries(digest.id, c.req.valid("query"));
    const deliveries = page.deliveries.map(({ email, status, reason, messageId, error, updatedAt }) => ({
      email,
      status,
      reason,
      messageId,
      error,
      updatedAt,
    }));
    return c.json({ deliveries, cursor: page.cursor }, 200);
  },
);
