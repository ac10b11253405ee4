/**
 * sst.config.ts checked offline: the `sst` CLI cannot run here (it downloads Pulumi), so the config is evaluated
 * with stubbed SST globals whose components record what they were given and refuse any argument name the
 * component does not document in the pinned SST version (helpers/sst-fakes.ts). Asserts the deployed shape: the
 * table matches the local one, the wiring of queue, topic, email, alarms and schedules, links, settings, what
 * makes a stage production, and that every handler path exists and exports a handler.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { createTableInput } from "../../core/db/create-table";
import { table } from "../../core/db/table";
import { WORKER_SEND_RATE } from "../../core/delivery/capacity";
import { sendRates, TRANSACTIONAL_CONCURRENCY, workerRate } from "../../core/delivery/pacing";
import { LEASE_SECONDS } from "../../core/delivery/ses-events";
import { nodejs } from "../../scripts/bundle";
import { PULUMI_ARGS, SIGNATURES, undocumentedArgs } from "../helpers/sst-args";
import { ACCOUNT, deploy, DKIM_TOKENS, type Loose, type Recorded } from "../helpers/sst-fakes";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Every `dir/file.handler` string anywhere in the recorded args. */
function handlerStrings(recorded: Recorded[]): string[] {
  const found = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (value: unknown): void => {
    if (typeof value === "string") {
      if (/^[\w./-]+\.handler$/.test(value)) found.add(value);
      return;
    }
    if (value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    for (const item of Object.values(value)) walk(item);
  };
  for (const r of recorded) walk(r.args);
  return [...found].sort();
}

const seconds = (duration: string) => {
  const match = /^(\d+) (second|minute|hour)s?$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * { second: 1, minute: 60, hour: 3600 }[match[2] as "second" | "minute" | "hour"];
};

const PRODUCTION_ENV = { POSTAL_ADDRESS: "Tidings, 1 Harbour Street, 1000 Lisbon", TIDINGS_DOMAIN: "harbour.example" };
const production = await deploy("production", PRODUCTION_ENV);

describe("sst.config.ts, evaluated offline", () => {
  it("names the app and keeps production's data when the stage is removed", () => {
    expect(production.app).toMatchObject({ name: "tidings", home: "aws", removal: "retain", protect: true });
    expect(production.outputs).toMatchObject({
      api: production.one("ApiGatewayV2", "Api").handle.url,
      queue: production.one("Queue", "SendQueue").handle.url,
      table: production.one("Dynamo", "Table").handle.name,
    });
  });

  it("builds the table from core/db/table.ts, the definition the local stack's CreateTable uses", () => {
    const dynamo = production.one("Dynamo", "Table");
    expect(dynamo.args).toEqual({
      fields: table.fields,
      primaryIndex: table.primaryIndex,
      globalIndexes: table.globalIndexes,
      ttl: table.ttl,
    });

    const local = createTableInput("tidings-test");
    const keys = (index: { hashKey: string; rangeKey: string }) => [
      { AttributeName: index.hashKey, KeyType: "HASH" },
      { AttributeName: index.rangeKey, KeyType: "RANGE" },
    ];
    expect(local.KeySchema).toEqual(keys(dynamo.args.primaryIndex));
    expect(local.AttributeDefinitions?.map((a) => a.AttributeName)).toEqual(Object.keys(dynamo.args.fields));
    expect(local.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema])).toEqual(
      Object.entries(dynamo.args.globalIndexes).map(([name, index]) => [name, keys(index as Loose)]),
    );
    // Neither has a stream (nothing reads one): the deployed table has none, and neither has the local one.
    expect(dynamo.args.stream).toBeUndefined();
    expect(local.StreamSpecification).toBeUndefined();
  });

  it("declares every secret; only the optional ones have a placeholder", () => {
    const placeholders = Object.fromEntries(production.all("Secret").map((s) => [s.name, s.args.placeholder]));
    expect(placeholders).toEqual({
      SigningSecret: undefined,
      SigningSecretPrevious: "",
      EditorTokens: undefined,
      StripeSecretKey: "",
      StripeWebhookSecret: "",
    });
  });

  it("publishes SES bounces, complaints and deliveries to the SesEvents topic, which SES may publish to", () => {
    const topic = production.one("SnsTopic", "SesEvents");
    const email = production.one("Email", "Email");
    expect(email.args.sender).toBe("harbour.example");
    expect(email.args.events).toEqual([
      { name: "SesEvents", types: ["bounce", "complaint", "delivery"], topic: topic.handle.arn },
    ]);

    const policy = production.one("aws.sns.TopicPolicy");
    expect(policy.args.arn).toBe(topic.handle.arn);
    const statement = JSON.parse(policy.args.policy).Statement[0];
    expect(statement).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "ses.amazonaws.com" },
      Action: "SNS:Publish",
      Resource: topic.handle.arn,
      Condition: {
        StringEquals: { "AWS:SourceAccount": ACCOUNT },
        ArnLike: { "AWS:SourceArn": `arn:aws:ses:*:${ACCOUNT}:configuration-set/${email.handle.configSet}` },
      },
    });
  });

  it("has ses-events as the topic's only subscriber", () => {
    const subscriptions = production.all("SnsTopic.subscribe");
    expect(subscriptions.map((s) => [s.args.topic, s.args.subscriber.handler])).toEqual([
      ["SesEvents", "functions/ses-events.handler"],
    ]);
  });

  it("feeds the send queue to send-worker in batches with partial responses and bounded concurrency", () => {
    const queue = production.one("Queue", "SendQueue");
    const deadLetters = production.one("Queue", "SendDeadLetters");
    const subscription = production.one("Queue.subscribe", "SendQueue");
    const worker = subscription.args.subscriber;

    expect(worker.handler).toBe("functions/send-worker.handler");
    expect(subscription.args.batch).toMatchObject({ partialResponses: true });
    expect(queue.args.dlq).toMatchObject({ queue: deadLetters.handle.arn });
    expect(seconds(queue.args.visibilityTimeout)).toBeGreaterThanOrEqual(6 * seconds(worker.timeout));

    const mapping: Loose = {};
    subscription.args.transform.eventSourceMapping(mapping);
    expect(mapping.scalingConfig.maximumConcurrency).toBe(2);
    expect(worker.environment.SEND_CONCURRENCY).toBe("2");
  });

  it("derives the send workers from the rate: the mapping's concurrency, every function's SEND_CONCURRENCY and the pacing agree", async () => {
    const sizes: [Record<string, string>, number][] = [
      [{}, 2], // 14/s, digests 11.2/s: the least SQS allows
      [{ SES_MAX_SEND_RATE: "500" }, 8], // digests 400/s at 50/s a worker
      [{ SES_MAX_SEND_RATE: "5000", TRANSACTIONAL_SEND_RATE: "50" }, 99], // digests 4,950/s
      [{ SES_MAX_SEND_RATE: "500", SEND_CONCURRENCY: "12" }, 12], // more than needed: kept, each paces slower
    ];
    for (const [env, workers] of sizes) {
      const stage = await deploy("production", { ...PRODUCTION_ENV, ...env });
      const mapping: Loose = {};
      stage.one("Queue.subscribe", "SendQueue").args.transform.eventSourceMapping(mapping);
      expect(mapping.scalingConfig.maximumConcurrency, JSON.stringify(env)).toBe(workers);
      for (const { via, def } of stage.functions) expect(def.environment.SEND_CONCURRENCY, via).toBe(String(workers));
      // What each worker's bucket is given (core/delivery/worker.ts) is within what a worker can send.
      const environment = stage.byHandler("functions/send-worker.handler").environment;
      const digest = sendRates({
        SES_MAX_SEND_RATE: Number(environment.SES_MAX_SEND_RATE),
        TRANSACTIONAL_SEND_RATE: environment.TRANSACTIONAL_SEND_RATE ? Number(environment.TRANSACTIONAL_SEND_RATE) : undefined,
      }).digest;
      expect(workerRate(digest, Number(environment.SEND_CONCURRENCY))).toBeLessThanOrEqual(WORKER_SEND_RATE);
    }
  });

  it("refuses a SEND_CONCURRENCY or a rate the send workers cannot reach, naming the settings", async () => {
    await expect(deploy("production", { ...PRODUCTION_ENV, SES_MAX_SEND_RATE: "500", SEND_CONCURRENCY: "4" })).rejects.toThrow(
      /SEND_CONCURRENCY \(4\) cannot reach SES_MAX_SEND_RATE \(500\).*WORKER_SEND_RATE.*at least 8/,
    );
    await expect(deploy("production", { ...PRODUCTION_ENV, SES_MAX_SEND_RATE: "100000" })).rejects.toThrow(
      /SES_MAX_SEND_RATE \(100000\).*1000/,
    );
    await expect(deploy("production", { ...PRODUCTION_ENV, SES_MAX_SEND_RATE: "fast" })).rejects.toThrow(/SES_MAX_SEND_RATE \(NaN\)/);
    await expect(deploy("production", { ...PRODUCTION_ENV, SEND_CONCURRENCY: "1" })).rejects.toThrow(/SEND_CONCURRENCY \(1\)/);
  });

  it("feeds the transactional queue to its own worker: partial responses, bounded concurrency, a dead-letter queue", () => {
    const queue = production.one("Queue", "TransactionalQueue");
    const deadLetters = production.one("Queue", "TransactionalDeadLetters");
    const subscription = production.one("Queue.subscribe", "TransactionalQueue");
    const worker = subscription.args.subscriber;

    expect(worker.handler).toBe("functions/transactional-worker.handler");
    expect(subscription.args.batch).toMatchObject({ size: 5, partialResponses: true });
    expect(queue.args.dlq).toMatchObject({ queue: deadLetters.handle.arn });
    expect(queue.args.dlq.retry).toBeGreaterThanOrEqual(5);
    // A slow batch is never handed to a second worker while the first still runs.
    expect(seconds(queue.args.visibilityTimeout)).toBeGreaterThanOrEqual(6 * seconds(worker.timeout));
    // It hands throttled messages back to its own queue.
    expect(production.links(worker)).toContain("TransactionalQueue");

    const mapping: Loose = {};
    subscription.args.transform.eventSourceMapping(mapping);
    // Each worker paces at TRANSACTIONAL_SEND_RATE / TRANSACTIONAL_CONCURRENCY: the mapping must hold them to it.
    expect(mapping.scalingConfig.maximumConcurrency).toBe(TRANSACTIONAL_CONCURRENCY);
    expect(production.outputs).toMatchObject({
      transactionalQueue: queue.handle.url,
      transactionalDeadLetters: deadLetters.handle.url,
    });
  });

  it("passes TRANSACTIONAL_SEND_RATE through to every function when set", async () => {
    const stage = await deploy("production", { ...PRODUCTION_ENV, SES_MAX_SEND_RATE: "20", TRANSACTIONAL_SEND_RATE: "5" });
    for (const { via, def } of stage.functions) {
      expect(def.environment, via).toMatchObject({ SES_MAX_SEND_RATE: "20", TRANSACTIONAL_SEND_RATE: "5" });
    }
  });

  it("serves the API from functions/api.handler on the gateway's default route, the dashboard from a function of its own", () => {
    const api = production.one("ApiGatewayV2", "Api");
    const route = production.one("ApiGatewayV2.route", "$default");
    expect(route.args.api).toBe("Api");
    expect(route.args.handler.handler).toBe("functions/api.handler");
    expect(seconds(route.args.handler.timeout)).toBeLessThan(30);
    expect(api.args.cors).toBe(false);
    // The dashboard's pages, its sign-in request and the whole OpenAPI document go to the Dashboard function, which
    // serves the whole app with the API's settings and links.
    const dashboard = production.one("Function", "Dashboard");
    expect(dashboard.args.handler).toBe("functions/dashboard.handler");
    const routes = production.all("ApiGatewayV2.route").filter((r) => r.name !== "$default");
    expect(routes.map((r) => [r.name, r.args.handler])).toEqual(
      ["ANY /editor", "ANY /editor/{proxy+}", "POST /api/editor/login", "GET /openapi.json"].map((key) => [key, dashboard.handle.arn]),
    );
    const { handler: _, ...dashboardArgs } = dashboard.args;
    const { handler: __, ...apiArgs } = route.args.handler;
    expect(dashboardArgs).toEqual(apiArgs);
  });

  it("keeps paths, IPs and user agents out of the API's access log", () => {
    const api = production.one("ApiGatewayV2", "Api");
    const stage: Loose = {
      accessLogSettings: { destinationArn: "arn:log-group", format: '{"path":"$context.path"}' },
    };
    api.args.transform.stage(stage);
    expect(stage.accessLogSettings.destinationArn).toBe("arn:log-group");
    const format = JSON.parse(stage.accessLogSettings.format);
    expect(format).toMatchObject({ requestId: "$context.requestId", status: "$context.status" });
    expect(Object.values(format).join(" ")).not.toMatch(/path|sourceIp|userAgent/);
  });

  it("schedules the digests, reconciliation, comp expiry, gift delivery, the lifecycle emails and the stats snapshot with CronV2", () => {
    const crons = Object.fromEntries(
      production.all("CronV2").map((c) => [c.name, [c.args.schedule, c.args.function.handler, c.args.enabled]]),
    );
    expect(crons).toEqual({
      DailyDigest: ["cron(0 6 * * ? *)", "functions/cron/daily-digest.handler", true],
      WeeklyDigest: ["cron(0 6 ? * MON *)", "functions/cron/weekly-digest.handler", true],
      RecoverSends: ["rate(5 minutes)", "functions/cron/recover-sends.handler", undefined],
      Reconcile: ["rate(15 minutes)", "functions/cron/reconcile.handler", undefined],
      ExpireComps: ["rate(1 hour)", "functions/cron/expire-comps.handler", undefined],
      DeliverGifts: ["rate(1 hour)", "functions/cron/deliver-gifts.handler", undefined],
      Lifecycle: ["rate(1 hour)", "functions/cron/lifecycle.handler", undefined],
      StatsSnapshot: ["cron(5 0 * * ? *)", "functions/cron/stats-snapshot.handler", undefined],
    });
  });

  it("takes the stats snapshot shortly after midnight UTC whatever the schedules' timezone, retried (a retry keeps the first)", () => {
    const snapshot = production.one("CronV2", "StatsSnapshot").args;
    expect(snapshot.timezone).toBe("UTC");
    expect(snapshot.retries).toBeGreaterThan(0);
    // What every function holds and nothing more: no queue, no Stripe (it reads and writes the table only).
    expect(snapshot.function.link).toEqual(production.one("CronV2", "ExpireComps").args.function.link);
  });

  it("sets nodejs22.x explicitly on every function (SST's default is nodejs24.x; Lambda deprecated nodejs20.x)", () => {
    expect(production.functions).toHaveLength(13);
    for (const { via, def } of production.functions) {
      expect(typeof def, `${via} is defined by its args, not a bare handler path`).toBe("object");
      expect(def.runtime, via).toBe("nodejs22.x");
    }
  });

  it("bundles every function as the bundle-size test builds it: ESM, minified, split, with the pinned AWS SDK", () => {
    expect(nodejs).toEqual({ format: "esm", minify: true, splitting: true, plugins: "scripts/bundle-plugins.mjs" });
    expect(existsSync(`${root}${nodejs.plugins}`)).toBe(true);
    for (const { via, def } of production.functions) {
      expect(def.nodejs, via).toEqual(nodejs);
    }
  });

  it("links each function to what it uses, and Stripe only to the API (and its dashboard) and reconciliation", () => {
    const { byHandler, links } = production;
    expect(links(byHandler("functions/api.handler")).sort()).toEqual(
      [
        "Table",
        "Email",
        "SendQueue",
        "TransactionalQueue",
        "Exports",
        "SigningSecret",
        "SigningSecretPrevious",
        "EditorTokens",
        "StripeSecretKey",
        "StripeWebhookSecret",
      ].sort(),
    );
    // Only what asks for transactional email (sign-ups, sign-in links: the API; the welcome series' steps: the
    // lifecycle schedule) and its worker reach that queue.
    const transactional = production.functions.filter(({ def }) => links(def).includes("TransactionalQueue"));
    expect(transactional.map(({ def }) => def.handler).sort()).toEqual([
      "functions/api.handler",
      "functions/cron/lifecycle.handler",
      "functions/dashboard.handler",
      "functions/transactional-worker.handler",
    ]);
    const worker = links(byHandler("functions/send-worker.handler"));
    expect(worker).toEqual(expect.arrayContaining(["Table", "Email", "SendQueue", "SigningSecret"]));
    expect(worker).not.toContain("StripeSecretKey");
    expect(worker).not.toContain("StripeWebhookSecret");
    expect(worker).not.toContain("EditorTokens");
    for (const digest of [
      "functions/cron/daily-digest.handler",
      "functions/cron/weekly-digest.handler",
      "functions/cron/recover-sends.handler",
    ]) {
      expect(links(byHandler(digest)), digest).toContain("SendQueue");
    }
    expect(links(byHandler("functions/cron/reconcile.handler"))).toEqual(
      expect.arrayContaining(["StripeSecretKey", "StripeWebhookSecret"]),
    );

    for (const { via, def } of production.functions) {
      expect(links(def), via).toEqual(expect.arrayContaining(["Table", "Email", "SigningSecret"]));
      expect(links(def), via).not.toContain("(not a component)");
      const stripe = links(def).includes("StripeSecretKey");
      expect(stripe, via).toBe(["functions/api.handler", "functions/dashboard.handler", "functions/cron/reconcile.handler"].includes(def.handler));
    }
  });

  it("gives every function the plain settings, defaulting PUBLIC_URL to the API and the configuration set to SES's", () => {
    const api = production.one("ApiGatewayV2", "Api");
    const email = production.one("Email", "Email");
    for (const { via, def } of production.functions) {
      expect(def.environment, via).toEqual({
        STAGE: "production",
        PUBLIC_URL: api.handle.url,
        MAIL_FROM: "Tidings <news@harbour.example>",
        POSTAL_ADDRESS: PRODUCTION_ENV.POSTAL_ADDRESS,
        TIERS: "[]",
        SES_MAX_SEND_RATE: "14",
        SEND_CONCURRENCY: "2",
        GRACE_DAYS: "7",
        MAX_VOTES_PER_PATRON: "3",
        MAX_OPEN_PROPOSALS_PER_PATRON: "3",
        SES_CONFIGURATION_SET: email.handle.configSet,
        SCHEDULED_DIGESTS: "on",
        TIDINGS_TIMEZONE: "UTC",
      });
    }
  });

  it("takes settings from the deploy-time environment", async () => {
    const tiers = JSON.stringify([{ id: "coffee" }]);
    const stage = await deploy("production", {
      ...PRODUCTION_ENV,
      TIDINGS_DOMAIN: "news.example.org",
      PUBLIC_URL: "https://news.example.org",
      MAIL_FROM: "The Harbour <letters@news.example.org>",
      TIERS: tiers,
      SES_MAX_SEND_RATE: "50",
      SEND_CONCURRENCY: "5",
      OUTLET_NAME: "The Harbour",
      LANGUAGES: "uk,en",
      STRIPE_AUTOMATIC_TAX: "on",
    });
    const worker = stage.byHandler("functions/send-worker.handler");
    expect(stage.one("Email").args.sender).toBe("news.example.org");
    expect(worker.environment).toMatchObject({
      PUBLIC_URL: "https://news.example.org",
      MAIL_FROM: "The Harbour <letters@news.example.org>",
      TIERS: tiers,
      SES_MAX_SEND_RATE: "50",
      SEND_CONCURRENCY: "5",
      OUTLET_NAME: "The Harbour",
      LANGUAGES: "uk,en",
      STRIPE_AUTOMATIC_TAX: "on",
    });
    const mapping: Loose = {};
    stage.one("Queue.subscribe", "SendQueue").args.transform.eventSourceMapping(mapping);
    expect(mapping.scalingConfig.maximumConcurrency).toBe(5);
  });

  it("keeps subscriber exports in a bucket that forgets them after a day, reachable from the API (and its dashboard) alone", () => {
    const bucket = production.one("Bucket", "Exports");
    expect(bucket.args.lifecycle).toEqual([{ id: "ExpireExports", prefix: "exports/", expiresIn: "1 day" }]);
    const lifecycle: Loose = { rules: [{ id: "ExpireExports", expiration: { days: 1 } }] };
    bucket.args.transform.lifecycle(lifecycle);
    expect(lifecycle.rules).toEqual([
      { id: "ExpireExports", expiration: { days: 1 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
    ]);
    expect(bucket.args.public ?? false).toBe(false);
    const linked = production.functions.filter(({ def }) => production.links(def).includes("Exports"));
    expect(linked.map(({ def }) => def.handler).sort()).toEqual(["functions/api.handler", "functions/dashboard.handler"]);
    expect(production.outputs.exports).toBe(bucket.handle.name);
  });
});

describe("stages", () => {
  const DEV = { TIDINGS_DEV_STAGES: "dev, alice" };

  it.each(["production", "prod", "live", "staging", "prdo"])(
    "treats %s as production unless marked for development: retained, protected, schedules on",
    async (stage) => {
      const deployed = await deploy(stage, PRODUCTION_ENV);
      expect(deployed.app).toMatchObject({ removal: "retain", protect: true });
      expect(deployed.one("CronV2", "DailyDigest").args.enabled).toBe(true);
      expect(deployed.one("CronV2", "WeeklyDigest").args.enabled).toBe(true);
      expect(deployed.one("Email").args.sender).toBe("harbour.example");
    },
  );

  it("refuses to deploy a production stage without a postal address and a sending domain, naming what is missing", async () => {
    await expect(deploy("prod")).rejects.toThrow(/Set POSTAL_ADDRESS and TIDINGS_DOMAIN to deploy stage "prod"/);
    await expect(deploy("live", { TIDINGS_DOMAIN: "harbour.example" })).rejects.toThrow(/Set POSTAL_ADDRESS to deploy/);
    await expect(deploy("live", { POSTAL_ADDRESS: PRODUCTION_ENV.POSTAL_ADDRESS })).rejects.toThrow(
      /Set TIDINGS_DOMAIN to deploy/,
    );
    // A stage named like a development stage is production all the same until it is marked.
    await expect(deploy("dev")).rejects.toThrow(/TIDINGS_DEV_STAGES/);
  });

  it("gives a stage marked for development removable data, schedules off unless asked, and stand-in settings", async () => {
    const dev = await deploy("alice", DEV);
    expect(dev.app).toMatchObject({ removal: "remove", protect: false });
    expect(dev.one("CronV2", "DailyDigest").args.enabled).toBe(false);
    expect(dev.one("CronV2", "WeeklyDigest").args.enabled).toBe(false);
    expect(dev.byHandler("functions/api.handler").environment.POSTAL_ADDRESS).toMatch(/alice stage/);
    const on = await deploy("dev", { ...DEV, TIDINGS_SCHEDULED_DIGESTS: "on" });
    expect(on.one("CronV2", "DailyDigest").args.enabled).toBe(true);
  });

  it("gives each stage an SES identity of its own, so two stages on one domain never collide", async () => {
    const prod = await deploy("prod", PRODUCTION_ENV);
    const dev = await deploy("dev", { ...DEV, TIDINGS_DOMAIN: "harbour.example" });
    const alice = await deploy("alice", { ...DEV, TIDINGS_DOMAIN: "harbour.example" });
    const eu = await deploy("live-eu", { ...PRODUCTION_ENV, TIDINGS_SENDER_DOMAIN: "eu.harbour.example" });
    const senders = [prod, dev, alice, eu].map((stage) => stage.one("Email").args.sender);
    expect(senders).toEqual(["harbour.example", "dev.harbour.example", "alice.harbour.example", "eu.harbour.example"]);
    expect(new Set(senders).size).toBe(senders.length);
    expect(eu.byHandler("functions/api.handler").environment.MAIL_FROM).toBe("Tidings <news@eu.harbour.example>");
  });
});

describe("the sending domain's DNS", () => {
  const dns = (stage: Awaited<ReturnType<typeof deploy>>) =>
    (stage.one("Email").handle.dnsRecords as Loose[]).map((r) => [r.type, r.name, r.value].filter(Boolean).join(" "));
  const cnames = DKIM_TOKENS.map((token) => `CNAME ${token}._domainkey.harbour.example`);

  it("adds SES's DKIM records and a DMARC policy in Route 53 by default, or the policy given", async () => {
    expect(dns(production)).toEqual([...cnames, "TXT _dmarc.harbour.example v=DMARC1; p=none;"]);
    const strict = await deploy("prod", { ...PRODUCTION_ENV, TIDINGS_DMARC: "v=DMARC1; p=quarantine;" });
    expect(dns(strict)).toEqual([...cnames, "TXT _dmarc.harbour.example v=DMARC1; p=quarantine;"]);
  });

  it("keeps a domain's own DMARC record: DKIM is still added, no DMARC record is created", async () => {
    const existing = await deploy("prod", { ...PRODUCTION_ENV, TIDINGS_DMARC: "existing" });
    expect(dns(existing)).toEqual(cnames);
    expect(existing.outputs.dnsRecords).toBeUndefined();
  });

  it("in manual mode creates no record and outputs the DKIM and DMARC records to add", async () => {
    const manual = await deploy("prod", { ...PRODUCTION_ENV, TIDINGS_DNS: "manual" });
    expect(manual.one("Email").args.dns).toBe(false);
    expect(dns(manual)).toEqual([]);
    expect(manual.outputs.dnsRecords).toEqual([
      ...DKIM_TOKENS.map((token) => ({
        type: "CNAME",
        name: `${token}._domainkey.harbour.example`,
        value: `${token}.dkim.amazonses.com`,
      })),
      { type: "TXT", name: "_dmarc.harbour.example", value: "v=DMARC1; p=none;" },
    ]);
    const both = await deploy("prod", { ...PRODUCTION_ENV, TIDINGS_DNS: "manual", TIDINGS_DMARC: "existing" });
    expect(both.outputs.dnsRecords.map((r: Loose) => r.type)).toEqual(["CNAME", "CNAME", "CNAME"]);
  });
});

describe("nothing fails out of sight", () => {
  const TWO_WEEKS = 14 * 24 * 60 * 60;

  it("keeps dead letters two weeks and raises an alarm as soon as one waits", () => {
    const alarms = production.one("SnsTopic", "Alarms");
    for (const name of ["SendDeadLetters", "SesEventsDeadLetters", "TransactionalDeadLetters"]) {
      const queue = production.one("Queue", name);
      const settings: Loose = {};
      queue.args.transform.queue(settings);
      expect(settings.messageRetentionSeconds, name).toBe(TWO_WEEKS);

      const alarm = production.one("aws.cloudwatch.MetricAlarm", `${name}Waiting`);
      expect(alarm.args).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.handle.nodes.queue.name },
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        alarmActions: [alarms.handle.arn],
      });
    }
    expect(production.all("aws.sns.TopicSubscription")).toEqual([]);
  });

  it("mails the alarms to TIDINGS_ALARM_EMAIL when set", async () => {
    const stage = await deploy("prod", { ...PRODUCTION_ENV, TIDINGS_ALARM_EMAIL: "desk@harbour.example" });
    expect(stage.one("aws.sns.TopicSubscription", "AlarmsEmail").args).toEqual({
      topic: stage.one("SnsTopic", "Alarms").handle.arn,
      protocol: "email",
      endpoint: "desk@harbour.example",
    });
  });

  it("retries a failed SES event twice, then sends it to its dead-letter queue; its lease outlasts the function", () => {
    const deadLetters = production.one("Queue", "SesEventsDeadLetters");
    const sesEvents = production.byHandler("functions/ses-events.handler");
    expect(sesEvents.retries).toBe(2);
    const invokeConfig: Loose = {};
    sesEvents.transform.eventInvokeConfig(invokeConfig);
    expect(invokeConfig.destinationConfig).toEqual({ onFailure: { destination: deadLetters.handle.arn } });
    expect(production.links(sesEvents)).toContain("SesEventsDeadLetters");
    expect(seconds(sesEvents.timeout)).toBeLessThan(LEASE_SECONDS);
  });
});

describe("argument names, against what the pinned SST documents", () => {
  it("are known for every kind of component the config creates (each call above was checked as it was made)", () => {
    const kinds = new Set(production.recorded.map((r: Recorded) => r.kind));
    const known = new Set([...Object.keys(SIGNATURES), ...Object.keys(PULUMI_ARGS), "Secret"]);
    expect([...kinds].filter((kind) => !known.has(kind))).toEqual([]);
    expect(kinds.size).toBeGreaterThanOrEqual(10);
  });

  it.each([
    ["Queue.subscribe", { batch: { sise: 5 } }, ["batch.sise"]],
    ["Queue.subscribe", { transform: { eventSourceMaping: () => undefined } }, ["transform.eventSourceMaping"]],
    ["Queue", { dlq: { queue: "arn", retries: 3 } }, ["dlq.retries"]],
    ["CronV2", { schedule: "rate(1 hour)", function: { handler: "h", timout: "1 minute" } }, ["function.timout"]],
    ["Function", { handler: "h", nodejs: { plugin: "x" }, logging: { retension: "1 week" } }, ["nodejs.plugin", "logging.retension"]],
    ["Email", { sender: "a.example", events: [{ name: "e", types: [], topik: "arn" }] }, ["events[0].topik"]],
    ["Bucket", { lifecycle: [{ expiresIn: "1 day", expires: "x" }] }, ["lifecycle[0].expires"]],
    ["aws.cloudwatch.MetricAlarm", { metricName: "m", treshold: 0 }, ["treshold"]],
  ])("finds a misspelt name: %s %j", (kind, args, expected) => {
    expect(undocumentedArgs(kind, args)).toEqual(expected);
  });

  it("stop a config with a misspelt argument from evaluating", async () => {
    const typo = ".sst-config-typo.ts";
    const text = readFileSync(`${root}sst.config.ts`, "utf8");
    expect(text).toContain("partialResponses: true");
    writeFileSync(`${root}${typo}`, text.replace("partialResponses: true", "partialResponse: true"));
    try {
      await expect(deploy("prod", PRODUCTION_ENV, typo)).rejects.toThrow(/Queue.subscribe SendQueue: .*batch\.partialResponse\b/);
    } finally {
      rmSync(`${root}${typo}`, { force: true });
    }
  });
});

describe("handlers named in sst.config.ts", () => {
  const handlers = handlerStrings(production.recorded);

  it("include the API, its dashboard, workers and schedules", () => {
    expect(handlers).toEqual([
      "functions/api.handler",
      "functions/cron/daily-digest.handler",
      "functions/cron/deliver-gifts.handler",
      "functions/cron/expire-comps.handler",
      "functions/cron/lifecycle.handler",
      "functions/cron/reconcile.handler",
      "functions/cron/recover-sends.handler",
      "functions/cron/stats-snapshot.handler",
      "functions/cron/weekly-digest.handler",
      "functions/dashboard.handler",
      "functions/send-worker.handler",
      "functions/ses-events.handler",
      "functions/transactional-worker.handler",
    ]);
  });

  it.each(handlers)("%s: the file exists and exports a handler function", async (handler) => {
    const file = `${root}${handler.replace(/\.handler$/, "")}.ts`;
    expect(existsSync(file), file).toBe(true);
    const module = await import(pathToFileURL(file).href);
    expect(typeof module.handler).toBe("function");
  });
});
