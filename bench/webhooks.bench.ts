/**
 * Stripe webhooks: events per second and latency of `POST /webhooks/stripe` on `npm start`'s stack (the real
 * route: signature, claim per event id, re-fetch from Stripe, versioned write, votes re-count, patron emails),
 * against the naive handler of `lib/naive-webhook.ts` (signature, then the payload written as it is) on the same
 * DynamoDB Local, with the same events: many customers' histories, some events delivered twice, neighbours
 * swapped. Two loads each: a steady offered rate (autocannon's overallRate) and as fast as 16 connections go.
 * Then what each left behind: how many patrons match Stripe's latest state.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { ensureTable } from "../core/db/create-table";
import * as keys from "../core/db/keys";
import { demoSettings } from "../scripts/local-stack";
import { saveSubscribers } from "../tests/helpers/factories";
import { startFakeStripe } from "../tests/helpers/fake-stripe";
import { freePort, startNpmStart } from "../tests/helpers/npm-start";
import { random } from "../tests/helpers/random";
import { SECRET_KEY, WEBHOOK_SECRETS } from "../tests/helpers/stripe-objects";
import { webhookTraffic, type Membership, type Traffic } from "../tests/helpers/webhook-traffic";
import { cannon, type CannonFigures } from "./lib/cannon";
import { fmt, table, writeResult } from "./lib/report";

/** The steady load: events per second offered, for this many seconds, over this many connections. */
const STEADY = { rate: 20, seconds: 30, connections: 10 };
/** The saturating load: this many events, as fast as these connections go. */
const FLAT_OUT = { events: 600, connections: 16 };
const EVENTS_PER_CUSTOMER = 3.7; // 3 to 5 events per history, and 5% duplicates
const SECRET = WEBHOOK_SECRETS[0];
const REAL_TABLE = "tidings-local";
const NAIVE_TABLE = "tidings-naive";

const rng = random(8);
const fake = await startFakeStripe();
const dynamoPort = await freePort();
const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
console.log("Starting npm start (fake Stripe API for its re-fetches) and the naive handler…");
const app = await startNpmStart({
  env: { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_BASE: fake.url, DYNAMO_PORT: String(dynamoPort), GRACE_DAYS: "7" },
});
const client = new DynamoDBClient({ endpoint: dynamoEndpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
const doc = DynamoDBDocumentClient.from(client);
await ensureTable(client, NAIVE_TABLE);
const naive = await startNaive();

try {
  // The subscribers who check out (Tidings' checkout names them in the metadata), in npm start's table.
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    TABLE_NAME: REAL_TABLE,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    PUBLIC_URL: app.url,
    SIGNING_SECRET: "bench-only-signing-secret-0123456789abcdef",
    MAIL_FROM: demoSettings.MAIL_FROM,
    POSTAL_ADDRESS: demoSettings.POSTAL_ADDRESS,
  });
  const steadyCustomers = Math.round((STEADY.rate * STEADY.seconds) / EVENTS_PER_CUSTOMER);
  const flatCustomers = Math.round(FLAT_OUT.events / EVENTS_PER_CUSTOMER);
  const subscribers = await saveSubscribers(Array.from({ length: steadyCustomers + flatCustomers }, () => ({})));
  const ids = subscribers.map((s) => s.id);
  const steady = webhookTraffic(fake, rng, { customers: steadyCustomers, subscriberIds: ids.slice(0, steadyCustomers), label: "steady" });
  const flat = webhookTraffic(fake, rng, { customers: flatCustomers, subscriberIds: ids.slice(steadyCustomers), label: "flat" });
  const bodies = (traffic: Traffic) => traffic.events.map((event) => JSON.stringify(event));

  const realUrl = `${app.url}/webhooks/stripe`;
  const naiveUrl = `${naive.url}/webhooks/stripe`;
  const stripeCallsBefore = fake.requests.length;
  console.log(`Steady: ${steady.events.length} events (${steady.duplicates} duplicates) at ${STEADY.rate}/s, each handler…`);
  const steadyReal = await cannon({ url: realUrl, bodies: bodies(steady), secret: SECRET, connections: STEADY.connections, rate: STEADY.rate });
  const stripeCalls = (fake.requests.length - stripeCallsBefore) / steady.events.length;
  const steadyNaive = await cannon({ url: naiveUrl, bodies: bodies(steady), secret: SECRET, connections: STEADY.connections, rate: STEADY.rate });
  console.log(`Flat out: ${flat.events.length} events over ${FLAT_OUT.connections} connections, each handler…`);
  // The naive one first this time, so neither always runs on the fuller table.
  const flatNaive = await cannon({ url: naiveUrl, bodies: bodies(flat), secret: SECRET, connections: FLAT_OUT.connections });
  const flatReal = await cannon({ url: realUrl, bodies: bodies(flat), secret: SECRET, connections: FLAT_OUT.connections });

  const memberships = [...steady.memberships, ...flat.memberships];
  const realRight = await matching(REAL_TABLE, memberships);
  const naiveRight = await matching(NAIVE_TABLE, memberships);
  const total = memberships.length;

  const row = (label: string, f: CannonFigures, load: string) => [
    label,
    load,
    fmt(f.sent),
    `${fmt(f.inFlight)} (${fmt(f.redelivered)})`,
    fmt(f.errors),
    fmt(f.perSecond, 1),
    fmt(f.p50, 1),
    fmt(f.p99, 1),
  ];
  const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
  const figures = {
    events: { steady: steady.events.length, steadyDuplicates: steady.duplicates, flatOut: flat.events.length, flatOutDuplicates: flat.duplicates },
    customers: total,
    steady: { offeredPerSecond: STEADY.rate, connections: STEADY.connections, real: steadyReal, naive: steadyNaive },
    flatOut: { connections: FLAT_OUT.connections, real: flatReal, naive: flatNaive },
    ratios: {
      steadyP50: ratio(steadyReal.p50, steadyNaive.p50),
      steadyP99: ratio(steadyReal.p99, steadyNaive.p99),
      flatOutThroughput: ratio(flatNaive.perSecond, flatReal.perSecond),
    },
    stripeApiCallsPerEvent: stripeCalls,
    patronsMatchingStripe: { real: realRight, naive: naiveRight, of: total },
  };
  writeResult({
    name: "webhooks",
    title: "Stripe webhooks: the safeguards' cost",
    figures,
    markdown: `
\`POST /webhooks/stripe\` on \`npm start\`'s stack (signature on the raw body, a claim per event id, a re-fetch
of the customer's subscriptions from Stripe, a versioned patron write, the votes re-count, the patron email owed),
against the handler most tutorials write (\`bench/lib/naive-webhook.ts\`: signature, then the payload written
with one unconditional update), each in its own Node process on the same DynamoDB Local, sent the same signed
events by autocannon: ${fmt(total)} customers' histories (checkout completed, subscription created/updated/deleted,
invoice paid/failed), ${steady.duplicates + flat.duplicates} of ${fmt(steady.events.length + flat.events.length)} deliveries
duplicated, neighbours swapped. Stripe's API is a local fake answering at once (${stripeCalls.toFixed(1)} calls per
event): against the real API each re-fetch adds its round trip.

A delivery that meets its own event still in flight in another one (a duplicate sent at once) is answered 503,
so that Stripe delivers it again rather than take it as done: "503 (again)" counts those, and how many of them
were answered 200 when delivered again after the load, as Stripe's retry would.

${table(["handler", "load", "events", "503 (again)", "errors", "events/s", "p50 ms", "p99 ms"], [
  row("Tidings", steadyReal, `${STEADY.rate}/s steady`),
  row("naive", steadyNaive, `${STEADY.rate}/s steady`),
  row("Tidings", flatReal, `flat out, ${FLAT_OUT.connections} conn.`),
  row("naive", flatNaive, `flat out, ${FLAT_OUT.connections} conn.`),
])}

At ${STEADY.rate} events/s offered, Tidings ${keptUp(steadyReal)} and the naive handler ${keptUp(steadyNaive)};
the safeguards cost ${fmt(figures.ratios.steadyP50, 1)}× the naive p50 latency
(${fmt(figures.ratios.steadyP99, 1)}× at p99); flat out the naive handler takes ${fmt(figures.ratios.flatOutThroughput, 1)}×
as many events per second. What that buys: afterwards **${realRight} of ${total}** patrons match Stripe's
latest state with the safeguards, **${naiveRight} of ${total}** without (a late or duplicated older event
overwrites a newer state).
`,
  });
} finally {
  await naive.stop();
  await app.stop();
  await fake.close();
  client.destroy();
}

/** Whether a steady run took the offered rate (autocannon's latencies then include the backlog). */
function keptUp(f: CannonFigures): string {
  return f.perSecond >= STEADY.rate * 0.95 ? "kept up" : `fell behind (${fmt(f.perSecond, 1)}/s)`;
}

/** How many memberships the patron in `tableName` matches (Stripe's latest status, as `product.md` maps it). */
async function matching(tableName: string, memberships: readonly Membership[]): Promise<number> {
  let right = 0;
  for (let i = 0; i < memberships.length; i += 25) {
    const found = await Promise.all(
      memberships.slice(i, i + 25).map(async (m) => {
        const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: keys.patron.key(m.subscriberId!), ConsistentRead: true }));
        return Item?.status === m.expected;
      }),
    );
    right += found.filter(Boolean).length;
  }
  return right;
}

/** The naive handler in a Node process of its own, like npm start's. */
async function startNaive() {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "bench/lib/naive-webhook.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      TABLE_NAME: NAIVE_TABLE,
      STRIPE_WEBHOOK_SECRET: SECRET,
      TIERS: demoSettings.TIERS,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  while (!output.includes("naive webhook listening")) {
    if (child.exitCode !== null) throw new Error(`the naive webhook exited:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Its log lines are read and dropped, as npm start's are read by its parent.
  child.stdout!.removeAllListeners("data");
  child.stdout!.on("data", () => undefined);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return once(child, "exit");
    },
  };
}
