import { handle } from "hono/aws-lambda";
import { app } from "./api/app";

/**
 * API Gateway v2 events for the editors' dashboard (`/editor…`, `/api/editor/login`) and the whole OpenAPI
 * document → the whole Hono app (`functions/api/app.ts`), as `npm start` serves it.
 */
export const handler = handle(app);
