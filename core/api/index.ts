import { Hono } from "hono";

// Placeholder while the API is being written; replaced by the OpenAPI app.
export const app = new Hono();
app.get("/healthz", (c) => c.json({ ok: true }));
