/**
 * sst.config.ts evaluated offline (the `sst` CLI cannot run here: it downloads Pulumi): stubbed SST globals whose
 * components record what they were given, and whose every argument name is checked against what the component
 * documents in the pinned SST version (helpers/sst-args.ts), so a misspelt argument fails the evaluation.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { expect } from "vitest";
import { undocumentedArgs } from "./sst-args";

/** SST's args are checked by shape in the tests, not by type. */
export type Loose = any;

export interface Recorded {
  kind: string;
  name: string;
  args: Loose;
  /** The object the config got back (what it links and reads `.arn`/`.url` from). */
  handle: Loose;
}

/** One Lambda function, wherever the config defined it (Function, route, subscriber, cron). */
export interface FunctionUse {
  via: string;
  def: Loose;
}

const root = fileURLToPath(new URL("../../", import.meta.url));
export const ACCOUNT = "123456789012";
export const DKIM_TOKENS = ["dkimtokenone", "dkimtokentwo", "dkimtokenthree"];

/** Deploy-time settings the config reads; cleared for every evaluation so the host's environment can't leak in. */
const DEPLOY_ENV = [
  "TIDINGS_DOMAIN",
  "TIDINGS_SENDER_DOMAIN",
  "TIDINGS_DEV_STAGES",
  "TIDINGS_DNS",
  "TIDINGS_DMARC",
  "TIDINGS_ALARM_EMAIL",
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
  "TRANSACTIONAL_SEND_RATE",
  "GRACE_DAYS",
  "MAX_VOTES_PER_PATRON",
  "MAX_OPEN_PROPOSALS_PER_PATRON",
  "SES_CONFIGURATION_SET",
  "OUTLET_NAME",
  "BRAND_COLOR",
  "MAIL_REPLY_TO",
  "UNSUBSCRIBE_MAILTO",
  "STRIPE_AUTOMATIC_TAX",
  "CONTRIBUTION_AMOUNTS",
  "CONTRIBUTION_MIN",
  "CONTRIBUTION_MAX",
  "CONTRIBUTION_CURRENCY",
  "CONTRIBUTION_FEE",
];

/** A stand-in for a Pulumi output: a plain value with `apply`. */
const output = <T>(value: T) => ({ value, apply: <R>(fn: (v: T) => R) => fn(value) });

/** A fake `sst` + `aws` namespace whose constructors record their name and args, refusing undocumented ones. */
function fakeProviders(recorded: Recorded[]) {
  const check = (kind: string, name: string, args: Loose) => {
    const unknown = undocumentedArgs(kind, args);
    if (unknown.length) throw new Error(`${kind} ${name}: SST documents no argument ${unknown.join(", ")}`);
  };
  /** Records a call; `shown` is what the tests read (a method's arguments merged), `args` what SST documents. */
  const record = (kind: string, name: string, args: Loose, handle: Loose = {}, shown: Loose = args) => {
    check(kind, name, args);
    recorded.push({ kind, name, args: shown, handle });
    return handle;
  };
  const component = (kind: string, make: (name: string, args: Loose) => Loose) =>
    // A `function` (not an arrow) so the config can call it with `new`; returning an object makes that the instance.
    function (this: unknown, name: string, args: Loose) {
      return record(kind, name, args ?? {}, make(name, args ?? {}));
    };
  /** A function given as a subscriber, route or job: a handler path, or FunctionArgs. */
  const functionArgs = (via: string, def: Loose) => {
    if (typeof def !== "string") check("Function", via, def);
  };
  const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;
  const dnsRecords: Loose[] = [];

  const sst = {
    Secret: function (this: unknown, name: string, placeholder?: string) {
      const handle = { name, value: `secret-value-of-${name}` };
      recorded.push({ kind: "Secret", name, args: { placeholder }, handle });
      return handle;
    },
    aws: {
      dns: () => ({ provider: "aws", createRecord: (_name: string, dnsRecord: Loose) => dnsRecords.push(dnsRecord) }),
      Dynamo: component("Dynamo", (name) => ({ name: `${name}-table`, arn: arn("dynamodb", `table/${name}`) })),
      Bucket: component("Bucket", (name) => ({ name: `${name.toLowerCase()}-bucket`, arn: `arn:aws:s3:::${name}` })),
      SnsTopic: component("SnsTopic", (name) => ({
        name,
        arn: arn("sns", name),
        subscribe: (subscription: string, subscriber: Loose, args: Loose = {}) => {
          functionArgs(subscription, subscriber);
          return record("SnsTopic.subscribe", subscription, args, {}, { topic: name, subscriber, ...args });
        },
      })),
      Queue: component("Queue", (name) => {
        let subscribed = false;
        return {
          arn: arn("sqs", name),
          url: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`,
          nodes: { queue: { name: `${name}-queue` } },
          subscribe: (subscriber: Loose, args: Loose = {}) => {
            // SST allows one subscriber per queue.
            if (subscribed) throw new Error(`${name} subscribed twice`);
            subscribed = true;
            functionArgs(`subscriber of ${name}`, subscriber);
            return record("Queue.subscribe", name, args, {}, { subscriber, ...args });
          },
        };
      }),
      Email: component("Email", (name, args) => {
        // Email runs the DNS adapter it is given, as SST's does: DKIM CNAMEs, then the DMARC TXT record.
        const dns = args.dns === false ? undefined : (args.dns ?? sst.aws.dns());
        for (const token of DKIM_TOKENS)
          dns?.createRecord(name, { type: "CNAME", name: `${token}._domainkey.${args.sender}` });
        dns?.createRecord(name, {
          type: "TXT",
          name: `_dmarc.${args.sender}`,
          value: args.dmarc ?? "v=DMARC1; p=none;",
        });
        return {
          sender: args.sender,
          configSet: `${name}-configuration-set`,
          dnsRecords,
          nodes: { identity: { dkimSigningAttributes: output({ tokens: DKIM_TOKENS }) } },
        };
      }),
      ApiGatewayV2: component("ApiGatewayV2", (name) => ({
        url: `https://${name.toLowerCase()}.execute-api.us-east-1.amazonaws.com`,
        route: (route: string, handler: Loose, args: Loose = {}) => {
          functionArgs(`route ${route}`, handler);
          return record("ApiGatewayV2.route", route, args, {}, { api: name, handler, ...args });
        },
      })),
      Function: component("Function", (name, args) => ({
        name,
        arn: arn("lambda", `function:${name}`),
        ...(args.url ? { url: `https://${name.toLowerCase()}.lambda-url.us-east-1.on.aws/` } : {}),
      })),
      CronV2: component("CronV2", () => ({})),
    },
  };
  const aws = {
    sns: {
      TopicPolicy: component("aws.sns.TopicPolicy", () => ({})),
      TopicSubscription: component("aws.sns.TopicSubscription", () => ({})),
    },
    cloudwatch: { MetricAlarm: component("aws.cloudwatch.MetricAlarm", () => ({})) },
  };
  return { sst, aws };
}

/** Evaluates sst.config.ts for a stage, with the given deploy-time environment, and returns what it built. */
export async function deploy(
  stage: string,
  env: Record<string, string | undefined> = {},
  configFile = "sst.config.ts",
) {
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
    const config = (await import(pathToFileURL(`${root}${configFile}`).href)).default;
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
    // A route to an existing function (its ARN) makes none: that function is listed where it was made.
    ...all("ApiGatewayV2.route")
      .filter((r) => !(typeof r.args.handler === "string" && r.args.handler.startsWith("arn:")))
      .map((r) => ({ via: `route ${r.args.api} ${r.name}`, def: r.args.handler })),
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
