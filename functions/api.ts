import { handle } from "hono/aws-lambda";
import { createApp } from "./api/create-app";

/**
 * API Gateway v2 events → the Hono app without the editors' dashboard (readers' pages, the API, webhooks): what a
 * reader's request cold-starts stays small. The gateway sends `/editor…` to `functions/dashboard.ts`.
 */
export const handler = handle(createApp());
