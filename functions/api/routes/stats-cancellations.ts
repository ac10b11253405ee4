/** Cancellations by reason (`GET /api/stats/cancellations`): to be built. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { EditorEnv } from "../editor-auth";

export const statsCancellationRoutes = new OpenAPIHono<EditorEnv>();
