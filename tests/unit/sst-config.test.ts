/**
 * sst.config.ts checked offline: the `sst` CLI cannot run here (it downloads Pulumi), so the config is evaluated
 * with stubbed SST globals whose components record what they were given. Asserts the deployed shape: the table
 * matches the local one, the wiring of queue, topic, email and schedules, links, settings, and that every handler
 * path exists and exports a handler.
 */
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { createTableInput } from "../../core/db/create-table";
import { table } from "../../core/db/table";
import { nodejs } from "../../scripts/bundle";

/** SST's args are checked by shape here, not by type. */
type Loose = any;

interface Recorded {
  kind: string;
  name: string;
  args: Loose;
  /** The object the config got back (what it links and reads `.arn`/`.url` from). */
  handle: Loose;
}

/** One Lambda function, wherever the config defined it (Function, route, subscriber, cron). */
interface FunctionUse {
  via: string;
  def: Loose;
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const ACCOUNT = "123456789012";

/** Deploy-time settings the config reads; cleared for every evaluation so the host's environment can't leak in. */
const DEPLOY_ENV = [
  "TIDINGS_DOMAIN",
  "TIDINGS_DNS",
  "TIDINGS_API_DOMAIN",
  "TIDINGS_AWS_REGION",
  "TIDINGS_TIMEZONE",
  "TIDINGS_SCHEDULED_DIGESTS",
  "SEND_CONCURRENCY",
  "PUBLIC_URL",
  "MAIL_FROM",
  "POSTAL_ADDRESS",
  "TIERS",
  "SES_MAX_SEND_RATE",
  "GRACE_DAYS",
  "MAX_VOTES_PER_PATRON",
  "SES_CONFIGURATION_SET",
  "OUTLET_NAME",
  "MAIL_REPLY_TO",
  "UNSUBSCRIBE_MAILTO",
];

/** A fake `sst` + `aws` namespace whose constructors record their name and args. */
function fakeProviders(recorded: Recorded[]) {
  const component =
    (kind: string, make: (name: string, args: Loose) => Loose) =>
    // A `function` (not an arrow) so the config can call it with `new`; returning an object makes that the instance.
    function (this: unknown, name: string, args: Loose) {
      const handle = make(name, args ?? {});
      recorded.push({ kind, name, args: args ?? {}, handle });
      return handle;
    };
  const record = (kind: string, name: string, args: Loose, handle: Loose = {}) => {
    recorded.push({ kind, name, args, handle });
    return handle;
  };
  const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;

  const sst = {
    Secret: function (this: unknown, name: string, placeholder?: string) {
      return record("Secret", name, { placeholder }, { name, value: `secret-value-of-${name}` });
    },
    aws: {
      Dynamo: component("Dynamo", (name) => ({ name: `${name}-table`, arn: arn("dynamodb", `table/${name}`) })),
      SnsTopic: component("SnsTopic", (name) => ({
        name,
        arn: arn("sns", name),
        subscribe: (subscription: string, subscriber: Loose, args: Loose = {}) =>
          record("SnsTopic.subscribe", subscription, { topic: name, subscriber, ...args }),
      })),
      Queue: component("Queue", (name) => {
        let subscribed = false;
        return {
          arn: arn("sqs", name),
          url: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`,
          subscribe: (subscriber: Loose, args: Loose = {}) => {
            // SST allows one subscriber per queue.
            if (subscribed) throw new Error(`${name} subscribed twice`);
            subscribed = true;
            return record("Queue.subscribe", name, { subscriber, ...args });
          },
        };
      }),
      Email: component("Email", (name, args) => ({ sender: args.sender, configSet: `${name}-configuration-set` })),
      ApiGatewayV2: component("ApiGatewayV2", (name) => ({
        url: `https://${name.toLowerCase()}.execute-api.us-east-1.amazonaws.com`,
        route: (route: string, handler: Loose, args: Loose = {}) =>
          record("ApiGatewayV2.route", route, { api: name, handler, ...args }),
      })),
      Function: component("Function", (name, args) => ({
        name,
        arn: arn("lambda", `function:${name}`),
        ...(args.url ? { url: `https://${name.toLowerCase()}.lambda-url.us-east-1.on.aws/` } : {}),
      })),
      CronV2: component("CronV2", () => ({})),
    },
  };
  const aws = { sns: { TopicPolicy: component("aws.sns.TopicPolicy", () => ({})) } };
  return { sst, aws };
}

/** Evaluates sst.config.ts for a stage, with the given deploy-time environment, and returns what it built. */
async function deploy(stage: string, env: Record<string, string | undefined> = {}) {
  const recorded: Recorded[] = [];
  const saved = Object.fromEntries(DEPLOY_ENV.map((name) => [name, process.env[name]]));
  for (const name of DEPLOY_ENV) delete process.env[name];
  for (const [name, value] of Object.entries(env)) if (value !== undefined) process.env[name] = value;
  const globals = globalThis as Loose;
  Object.assign(globals, fakeProviders(recorded), {
    $config: (config: Loose) => config,
    $app: { name: "tidings", stage },
    $dev: false,
    $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) => String.raw({ raw: strings }, ...values),
    // The stubs' outputs are plain values, so resolving them is handing them over.
    $resolve: (values: Loose) => ({ apply: (fn: (resolved: Loose) => unknown) => fn(values) }),
  });
  try {
    const config = (await import(pathToFileURL(`${root}sst.config.ts`).href)).default;
    const app = config.app({ stage });
    const outputs = await config.run();
    return { app, outputs, ...inspect(recorded) };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

function inspect(recorded: Recorded[]) {
  const all = (kind: string) => recorded.filter((r) => r.kind === kind);
  const one = (kind: string, name?: string) => {
    const found = all(kind).filter((r) => name === undefined || r.name === name);
    expect(found, `${kind} ${name ?? ""}`).toHaveLength(1);
    return found[0]!;
  };
  const nameOf = (handle: unknown) => recorded.find((r) => r.handle === handle)?.name ?? "(not a component)";

  const functions: FunctionUse[] = [
    ...all("Function").map((r) => ({ via: `Function ${r.name}`, def: r.args })),
    ...all("ApiGatewayV2.route").map((r) => ({ via: `route ${r.args.api} ${r.name}`, def: r.args.handler })),
    ...all("Queue.subscribe").map((r) => ({ via: `subscriber of ${r.name}`, def: r.args.subscriber })),
    ...all("SnsTopic.subscribe").map((r) => ({ via: `subscriber of ${r.args.topic}`, def: r.args.subscriber })),
    ...all("CronV2").map((r) => ({ via: `CronV2 ${r.name}`, def: r.args.function })),
  ];
  const byHandler = (handler: string) => {
    const found = functions.filter((f) => f.def?.handler === handler);
    expect(found, handler).toHaveLength(1);
    return found[0]!.def;
  };
  const links = (def: Loose): string[] => (def.link ?? []).map(nameOf);
  return { recorded, all, one, functions, byHandler, links };
}

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

const PRODUCTION_ENV = { POSTAL_ADDRESS: "Tidings, 1 Harbour Street, 1000 Lisbon" };
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
      stream: table.stream,
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
    expect(local.StreamSpecification?.StreamViewType).toBe(dynamo.args.stream.toUpperCase().replaceAll("-", "_"));
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
    expect(email.args.sender).toBe("tidings.example");
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

  it("serves the API from functions/api.handler on the gateway's default route", () => {
    const api = production.one("ApiGatewayV2", "Api");
    const route = production.one("ApiGatewayV2.route");
    expect(route.name).toBe("$default");
    expect(route.args.api).toBe("Api");
    expect(route.args.handler.handler).toBe("functions/api.handler");
    expect(seconds(route.args.handler.timeout)).toBeLessThan(30);
    expect(api.args.cors).toBe(false);
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

  it("schedules the digests, reconciliation and comp expiry with CronV2", () => {
    const crons = Object.fromEntries(
      production.all("CronV2").map((c) => [c.name, [c.args.schedule, c.args.function.handler, c.args.enabled]]),
    );
    expect(crons).toEqual({
      DailyDigest: ["cron(0 6 * * ? *)", "functions/cron/daily-digest.handler", true],
      WeeklyDigest: ["cron(0 6 ? * MON *)", "functions/cron/weekly-digest.handler", true],
      RecoverSends: ["rate(5 minutes)", "functions/cron/recover-sends.handler", undefined],
      Reconcile: ["cron(30 3 * * ? *)", "functions/cron/reconcile.handler", undefined],
      ExpireComps: ["rate(1 hour)", "functions/cron/expire-comps.handler", undefined],
    });
  });

  it("sets nodejs22.x explicitly on every function (SST's default is nodejs24.x; Lambda deprecated nodejs20.x)", () => {
    expect(production.functions).toHaveLength(8);
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

  it("links each function to what it uses, and Stripe only to the API and reconciliation", () => {
    const { byHandler, links } = production;
    expect(links(byHandler("functions/api.handler")).sort()).toEqual(
      [
        "Table",
        "Email",
        "SendQueue",
        "SigningSecret",
        "SigningSecretPrevious",
        "EditorTokens",
        "StripeSecretKey",
        "StripeWebhookSecret",
      ].sort(),
    );
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
      expect(stripe, via).toBe(["functions/api.handler", "functions/cron/reconcile.handler"].includes(def.handler));
    }
  });

  it("gives every function the plain settings, defaulting PUBLIC_URL to the API and the configuration set to SES's", () => {
    const api = production.one("ApiGatewayV2", "Api");
    const email = production.one("Email", "Email");
    for (const { via, def } of production.functions) {
      expect(def.environment, via).toEqual({
        STAGE: "production",
        PUBLIC_URL: api.handle.url,
        MAIL_FROM: "Tidings <news@tidings.example>",
        POSTAL_ADDRESS: PRODUCTION_ENV.POSTAL_ADDRESS,
        TIERS: "[]",
        SES_MAX_SEND_RATE: "14",
        SEND_CONCURRENCY: "2",
        GRACE_DAYS: "7",
        MAX_VOTES_PER_PATRON: "3",
        SES_CONFIGURATION_SET: email.handle.configSet,
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
    });
    const mapping: Loose = {};
    stage.one("Queue.subscribe").args.transform.eventSourceMapping(mapping);
    expect(mapping.scalingConfig.maximumConcurrency).toBe(5);
  });

  it("refuses to deploy production without a postal address", async () => {
    await expect(deploy("production")).rejects.toThrow(/POSTAL_ADDRESS/);
  });

  it("leaves scheduled digests off outside production unless asked, and removes other stages' data", async () => {
    const dev = await deploy("dev");
    expect(dev.app).toMatchObject({ removal: "remove", protect: false });
    expect(dev.one("CronV2", "DailyDigest").args.enabled).toBe(false);
    expect(dev.one("CronV2", "WeeklyDigest").args.enabled).toBe(false);
    const on = await deploy("dev", { TIDINGS_SCHEDULED_DIGESTS: "on" });
    expect(on.one("CronV2", "DailyDigest").args.enabled).toBe(true);
  });
});

describe("handlers named in sst.config.ts", () => {
  const handlers = handlerStrings(production.recorded);

  it("include the API, workers and schedules", () => {
    expect(handlers).toEqual([
      "functions/api.handler",
      "functions/cron/daily-digest.handler",
      "functions/cron/expire-comps.handler",
      "functions/cron/reconcile.handler",
      "functions/cron/recover-sends.handler",
      "functions/cron/weekly-digest.handler",
      "functions/send-worker.handler",
      "functions/ses-events.handler",
    ]);
  });

  it.each(handlers)("%s: the file exists and exports a handler function", async (handler) => {
    const file = `${root}${handler.replace(/\.handler$/, "")}.ts`;
    expect(existsSync(file), file).toBe(true);
    const module = await import(pathToFileURL(file).href);
    expect(typeof module.handler).toBe("function");
  });
});
