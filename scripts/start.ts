/**
 * `npm start`: the local stack, the table with demo data, and the API on http://127.0.0.1:$PORT; without Stripe
 * keys, the local Stripe stand-in, so memberships work end to end with simulated payments. Ctrl-C (or SIGTERM)
 * stops everything it started, Java included.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { applyDefaults, claimPort, demoSettings, ensureLocalTable, startLocalStack, startTiers, type LocalStack } from "./local-stack";
import type { StripeStandIn } from "./stripe-standin";

const port = Number(process.env.PORT || 3000);
/** The demo editor `npm start` lists in EDITORS (unless EDITORS is set): their sign-in link is in the mail viewer. */
const DEMO_EDITOR = "editor@tidings.example";
let stack: LocalStack | undefined;
let server: Server | undefined;
let worker: { stop(): Promise<void> } | undefined;
let snapshots: { stop(): Promise<void> } | undefined;
let schedules: { stop(): Promise<void> } | undefined;
let stripeStandIn: StripeStandIn | undefined;
let stopping = false;

async function shutdown(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  server?.closeAllConnections();
  server?.close();
  await snapshots?.stop();
  await schedules?.stop();
  await worker?.stop();
  await stripeStandIn?.close();
  await stack?.stop();
  process.exit(exitCode);
}

// `once`: a second Ctrl-C kills at once if stopping hangs (the stack's watchdog still ends Java).
process.once("SIGINT", () => void shutdown(0));
process.once("SIGTERM", () => void shutdown(0));
// `npm start` runs us under npm and a shell, which cannot pass on a SIGKILL: once either is gone, stop rather
// than keep holding the ports and Java.
const launchers = [process.ppid, parentOf(process.ppid)].filter((pid): pid is number => pid !== undefined && pid > 1);
setInterval(() => launchers.some((pid) => !isAlive(pid)) && void shutdown(0), 1000).unref();

try {
  await main();
} catch (error) {
  console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}

async function main(): Promise<void> {
  await claimPort(port, "set PORT to another port");
  stack = await startLocalStack({
    dynamoPort: Number(process.env.DYNAMO_PORT || 8000),
    sesPort: Number(process.env.SES_PORT || 8005),
    sqsPort: Number(process.env.SQS_PORT || 9324),
    s3Port: Number(process.env.S3_PORT || 4568),
  });
  Object.assign(process.env, stack.env);

  const editorToken = randomBytes(32).toString("base64url");
  const defaulted = applyDefaults({
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SIGNING_SECRET: randomBytes(32).toString("hex"),
    EDITOR_TOKENS: `editor:admin:${editorToken}`,
    EDITORS: `${DEMO_EDITOR}:admin`,
    TABLE_NAME: "tidings-local",
    ...demoSettings,
    TIERS: startTiers,
  });
  const tableName = process.env.TABLE_NAME as string;
  await ensureLocalTable(stack.env, tableName);
  if (!process.env.STRIPE_SECRET_KEY) stripeStandIn = await startStripeStandIn(port);

  // Imported only now: the app and the seed read their configuration from the environment set above.
  const { seed } = await import("./seed");
  const seeded = await seed();
  seeded.push(await (await import("./seed-billing")).seedPastDue(new Date(), stripeStandIn));
  const { app } = await import("../functions/api/app");
  server = await new Promise<Server>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => resolve(listening as Server));
    listening.once("error", reject);
  });
  // The send and transactional workers, as Lambda runs them from their queues when deployed.
  // And the gifts' schedule, so a gift's redeem link goes out on its day as the hourly schedule sends it deployed.
  const { startLocalSchedules, startLocalWorker } = await import("./local-worker");
  worker = startLocalWorker();
  schedules = startLocalSchedules();
  // The stats snapshot's schedule: the dashboard's charts get today's figures after the seeded past.
  const { startLocalSnapshots } = await import("./local-stats");
  snapshots = startLocalSnapshots();
  // The demo editor's sign-in link, waiting in the mail viewer (the worker sends it within a second).
  const Editors = await import("../core/editors");
  const editors = (await import("../core/config")).get().EDITORS;
  if (editors.some((editor) => editor.email === DEMO_EDITOR)) await Editors.requestLink(DEMO_EDITOR, { ip: "127.0.0.1" });

  const url = `http://127.0.0.1:${port}`;
  const mail = stack.env.SES_ENDPOINT;
  console.log(`
Tidings is running on the local stack.

  API          ${url}
  health       ${url}/healthz
  dashboard    ${url}/editor   (editors sign in by an emailed link: ${DEMO_EDITOR}'s is in the mail viewer)
  API docs     ${url}/docs
  OpenAPI      ${url}/openapi.json
  mail viewer  ${mail}/   (every email the app sends lands here)
  DynamoDB     ${stack.env.DYNAMODB_ENDPOINT}   table ${tableName}
  SQS          ${stack.env.SQS_ENDPOINT}   queues ${stack.env.SEND_QUEUE_URL} (digests) and ${stack.env.TRANSACTIONAL_QUEUE_URL}
               (confirmations, sign-in links): a local worker sends from both
  schedules    gifts' redeem links and the lifecycle emails (grace reminders, win-back, welcome series) every 15 s
               (hourly deployed); the send recovery sweep every 30 s
  S3           ${stack.env.S3_ENDPOINT}   bucket ${stack.env.EXPORT_BUCKET} (subscriber exports)
  Stripe       ${stripeStatus(url)}
${defaulted.length ? `\nDev defaults (set these variables to override): ${defaulted.join(", ")}` : ""}${
    defaulted.includes("EDITOR_TOKENS") ? `\nEDITOR_TOKENS for this run: editor:admin:${editorToken} (send the part after the last colon as a Bearer token)` : ""
  }${seeded.length ? `\n\nDemo data:\n${seeded.map((line) => `  ${line}`).join("\n")}` : ""}

Try:
  open ${url}/ in a browser: sign up, then find the confirmation email in the mail viewer
  ${url}/topics           what patrons vote on; ${url}/login to sign in by magic link
  ${url}/join and ${url}/support   become a patron, give once, give a membership (paid ${stripeStandIn ? "at the local Stripe stand-in" : "through Stripe"})
  curl ${url}/healthz
  curl -X POST ${url}/api/subscribe -H 'content-type: application/json' -d '{"email":"reader@example.com","topics":["climate"],"frequency":"weekly"}'
  curl ${mail}/store          # the confirmation email: open its link, press the button

Ctrl-C stops everything.`);
}

/**
 * Without Stripe keys, the local stand-in in Stripe's place: the app talks to it (STRIPE_API_BASE) with a local
 * test key, and its Checkout and Billing Portal pages send the app webhooks signed with a secret made for this run.
 * It knows the configured tiers' prices.
 */
async function startStripeStandIn(appPort: number): Promise<StripeStandIn> {
  const standInPort = await claimPort(Number(process.env.STRIPE_PORT || 12111), "set STRIPE_PORT to another port");
  const secret = `whsec_local_${randomBytes(24).toString("base64url")}`;
  // Read as configuration reads them, without loading configuration before STRIPE_* are set below.
  const { tiersSchema } = await import("../core/config/tiers");
  const tiers = tiersSchema.parse(JSON.parse(process.env.TIERS || "[]"));
  const prices = tiers.flatMap((tier) => tier.prices.map((price) => ({ ...price, name: tier.name })));
  const { startStripeStandIn: start } = await import("./stripe-standin");
  const standIn = await start({ port: standInPort, prices, webhook: { url: `http://127.0.0.1:${appPort}/webhooks/stripe`, secret } });
  Object.assign(process.env, { STRIPE_SECRET_KEY: "sk_test_local_standin", STRIPE_WEBHOOK_SECRET: secret, STRIPE_API_BASE: standIn.url });
  return standIn;
}

/** Memberships need Stripe: its test mode with keys, the local stand-in without. */
function stripeStatus(url: string): string {
  if (stripeStandIn) {
    return (
      "local stand-in (no keys set) — payments are simulated; set STRIPE_SECRET_KEY to use Stripe's test mode\n" +
      `               its Checkout and Billing Portal pages open at ${stripeStandIn.url}`
    );
  }
  const webhooks = `stripe listen --forward-to ${url}/webhooks/stripe`;
  return process.env.STRIPE_WEBHOOK_SECRET
    ? `keys set; webhooks at ${url}/webhooks/stripe (${webhooks})`
    : `key set, but no STRIPE_WEBHOOK_SECRET: run \`${webhooks}\` and set the whsec_… it prints`;
}

function parentOf(pid: number): number | undefined {
  try {
    // Linux only; elsewhere just the direct parent is watched. The name in parentheses may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
