/**
 * The real app (functions/api/app.ts) served over HTTP by @hono/node-server in a Node process of its own, as
 * `npm start` serves it, for the dashboard benchmark: a fresh one per cold start. Its settings come from the
 * environment its parent gives it. It counts the DynamoDB requests the app makes (a middleware on the app's own
 * client, with the read units DynamoDB reports for each, added on the first request so that nothing is set up before the app would set it up itself) and answers
 * them, and starts counting again, when its parent asks.
 */
import "./quiet";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import * as Db from "../../core/db";
import * as Requests from "./requests";

const started = performance.now();
const { app } = await import("../../functions/api/app");
let counting = false;

serve(
  {
    fetch: (request, env) => {
      if (!counting) {
        Requests.count("dynamodb", Db.db());
        Requests.measureCapacity(Db.db());
        counting = true;
      }
      return app.fetch(request, env);
    },
    port: 0,
    hostname: "127.0.0.1",
  },
  (info: AddressInfo) => process.send!({ type: "ready", port: info.port, startupMs: performance.now() - started }),
);

process.on("message", (message: { type: string }) => {
  if (message.type !== "counts") return;
  const counts = Requests.snapshot();
  process.send!({ type: "counts", requests: Requests.total(counts, "dynamodb"), readUnits: counts["dynamodb.readUnits"] ?? 0 });
  Requests.reset();
});
process.on("disconnect", () => process.exit(0));
