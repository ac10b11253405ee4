/** Conversions by source (`GET /api/stats/sources`): to be built. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { EditorEnv } from "../editor-auth";

export const statsSourceRoutes = new OpenAPIHono<EditorEnv>();
