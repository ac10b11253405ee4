import { handle } from "hono/aws-lambda";
import { app } from "./api/app";

/** API Gateway v2 / function URL events → the Hono app. */
export const handler = handle(app);
