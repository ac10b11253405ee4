/**
 * The one Hono app, whole: every route, the editors' dashboard included. `npm start` serves it, the tests call it
 * (`app.request()`), and deployed the dashboard's function serves it (`functions/dashboard.ts`); the API function
 * serves the same app without the dashboard's pages (`functions/api.ts`, `create-app.ts`).
 */
import { createApp } from "./create-app";
import { editorRoutes } from "./routes/editor";
import { editorDigestRoutes } from "./routes/editor-digests";
import { editorGiftRoutes } from "./routes/editor-gifts";
import { editorSubscriberRoutes } from "./routes/editor-subscribers";
import { editorTopicRoutes } from "./routes/editor-topics";
import { editorRetentionRoutes } from "./routes/editor-retention";

export { createApp, MAX_BODY_BYTES, type App } from "./create-app";

/** The dashboard's route groups, in the order of the OpenAPI document's paths. */
export const dashboardRoutes = [editorRoutes, editorTopicRoutes, editorGiftRoutes, editorDigestRoutes, editorSubscriberRoutes, editorRetentionRoutes];

/** The app, built once per process (a Lambda cold start, or `npm start`). */
export const app = createApp(dashboardRoutes);
