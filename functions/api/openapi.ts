/** Small helpers for describing routes in the OpenAPI document. */
import { z } from "@hono/zod-openapi";

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_request" }),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
    }),
  })
  .openapi("Error");

export const jsonError = (description: string) => ({
  description,
  content: { "application/json": { schema: errorBody } },
});

export const htmlPage = (description: string) => ({
  description,
  content: { "text/html": { schema: z.string() } },
});

export const form = <T extends z.ZodType>(schema: T) => ({
  content: { "application/x-www-form-urlencoded": { schema } },
  required: true,
});

export const tokenQuery = z.object({ token: z.string().max(400).openapi({ description: "Link token from an email" }) });

export const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { "application/json": { schema } },
});

/** The errors every editor route may answer. */
export const editorErrors = {
  400: jsonError("Invalid input; `fields` says which"),
  401: jsonError("Missing or wrong editor token"),
  403: jsonError("The token's scope does not allow this route (`forbidden`)"),
  429: jsonError("Too many failed editor authentications from this network; `Retry-After` says when to try again"),
  404: jsonError("Not found"),
};
