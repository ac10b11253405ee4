/// <reference path="./.sst/platform/config.d.ts" />

/**
 * The deployed shape of Tidings. Checked offline by tests/unit/sst-config.test.ts (the `sst` CLI cannot run in CI).
 *
 * Deploy-time settings (process.env; `.env` / `.env.<stage>` beside this file are loaded by SST):
 *   TIDINGS_DOMAIN        sending domain verified in SES (default "tidings.example")
 *   TIDINGS_DNS           "manual" to add the SES DKIM/DMARC records yourself (default: Route 53)
 *   TIDINGS_API_DOMAIN    optional custom domain for the API (Route 53)
 *   TIDINGS_AWS_REGION    optional region (default: your AWS profile's)
 *   TIDINGS_TIMEZONE      timezone of the schedules (default "UTC")
 *   TIDINGS_SCHEDULED_DIGESTS  "on" | "off" (default: on in production, off elsewhere)
 *   SEND_CONCURRENCY      concurrent send workers (default 2, the least SQS allows)
 *   and the app's own settings, passed through to every function: PUBLIC_URL, MAIL_FROM, POSTAL_ADDRESS
 *   (required in production), TIERS, SES_MAX_SEND_RATE, GRACE_DAYS, MAX_VOTES_PER_PATRON, SES_CONFIGURATION_SET,
 *   OUTLET_NAME, BRAND_COLOR, MAIL_REPLY_TO, UNSUBSCRIBE_MAILTO.
 * Secrets: `sst secret set SigningSecret …`, `EditorTokens`, and optionally `SigningSecretPrevious`,
 * `StripeSecretKey`, `StripeWebhookSecret`.
 */
export default $config({
  app(input) {
    const region = process.env.TIDINGS_AWS_REGION;
    return {
      name: "tidings",
      home: "aws",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
      ...(region ? { providers: { aws: { region } } } : {}),
    };
  },

  async run() {
    // SST forbids top-level imports here; this is the same definition DynamoDB Local's CreateTable is built from.
    const { table: tableDefinition } = await import("./core/db/table");
    // How functions are bundled; tests/unit/bundle-size.test.ts builds with the same settings and holds the budgets.
    const { nodejs } = await import("./scripts/bundle");
    const production = $app.stage === "production";
    const domain = process.env.TIDINGS_DOMAIN || "tidings.example";

    // ---- Data ------------------------------------------------------------------------------------------------
    const table = new sst.aws.Dynamo("Table", {
      fields: tableDefinition.fields,
      primaryIndex: tableDefinition.primaryIndex,
      globalIndexes: tableDefinition.globalIndexes,
      ttl: tableDefinition.ttl,
      stream: tableDefinition.stream,
    });

    // ---- Secrets (`sst secret set <Name> <value>`) -----------------------------------------------------------
    // A placeholder makes a secret optional: "" means "not set" to core/config.
    const signingSecret = new sst.Secret("SigningSecret");
    const signingSecretPrevious = new sst.Secret("SigningSecretPrevious", "");
    const editorTokens = new sst.Secret("EditorTokens");
    const stripeSecretKey = new sst.Secret("StripeSecretKey", "");
    const stripeWebhookSecret = new sst.Secret("StripeWebhookSecret", "");

    // ---- Email: SES identity, its configuration set, and bounce/complaint/delivery events -------------------
    const sesEvents = new sst.aws.SnsTopic("SesEvents");
    const email = new sst.aws.Email("Email", {
      sender: domain,
      ...(process.env.TIDINGS_DNS === "manual" ? { dns: false as const } : {}),
      events: [{ name: "SesEvents", types: ["bounce", "complaint", "delivery"], topic: sesEvents.arn }],
    });
    // SES may publish to the topic only from this account's configuration set (AWS requires the grant).
    new aws.sns.TopicPolicy("SesEventsPolicy", {
      arn: sesEvents.arn,
      policy: $resolve([sesEvents.arn, email.configSet]).apply(([topicArn, configSet]) => {
        const account = String(topicArn).split(":")[4];
        return JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "SesPublishesEvents",
              Effect: "Allow",
              Principal: { Service: "ses.amazonaws.com" },
              Action: "SNS:Publish",
              Resource: topicArn,
              Condition: {
                StringEquals: { "AWS:SourceAccount": account },
                ArnLike: { "AWS:SourceArn": `arn:aws:ses:*:${account}:configuration-set/${configSet}` },
              },
            },
          ],
        });
      }),
    });

    // ---- Send queue (fan-out of digest deliveries) -------------------------------------------------------------
    const sendDeadLetters = new sst.aws.Queue("SendDeadLetters");
    const sendWorkerTimeout = "2 minutes";
    const sendQueue = new sst.aws.Queue("SendQueue", {
      // Lambda's advice: at least 6x the consumer's timeout, so a slow batch is never handed to a second worker.
      visibilityTimeout: "12 minutes",
      // Generous: SES throttling is retried, not failed; what lands here is redriven after a look.
      dlq: { queue: sendDeadLetters.arn, retry: 10 },
    });

    // ---- API -------------------------------------------------------------------------------------------------
    // ApiGatewayV2 rather than a function URL: the API needs PUBLIC_URL for the links it emails, and a function
    // URL exists only once its function does (the function cannot be told its own URL), while the gateway's URL
    // exists before its routes. It also takes a custom domain without CloudFront. Its 30 s limit suits an API
    // that leaves sending to the queue. Hono's `hono/aws-lambda` handles its (payload 2.0) events.
    const api = new sst.aws.ApiGatewayV2("Api", {
      cors: false, // same-origin pages and a CLI; Hono answers, and cookie-authenticated POSTs check Origin
      accessLog: { retention: "1 month" },
      ...(process.env.TIDINGS_API_DOMAIN ? { domain: process.env.TIDINGS_API_DOMAIN } : {}),
      transform: {
        stage: (args) => {
          // SST's default format logs the path, IP and user agent; paths can hold link tokens or addresses,
          // and nothing personal is logged. The other fields as SST logs them.
          args.accessLogSettings = $resolve([args.accessLogSettings]).apply(([settings]) => ({
            ...(settings as object),
            format: JSON.stringify({
              requestTime: "$context.requestTime",
              requestId: "$context.requestId",
              httpMethod: "$context.httpMethod",
              routeKey: "$context.routeKey",
              status: "$context.status",
              responseLatency: "$context.responseLatency",
              integrationStatus: "$context.integration.status",
              integrationLatency: "$context.integration.latency",
            }),
          })) as typeof args.accessLogSettings;
        },
      },
    });

    // ---- Shared function settings ----------------------------------------------------------------------------
    const postalAddress =
      process.env.POSTAL_ADDRESS || (production ? "" : `Tidings (${$app.stage} stage), 1 Example Street, Example City`);
    if (!postalAddress) throw new Error("Set POSTAL_ADDRESS to deploy production: every marketing email carries it.");
    const sendConcurrency = Math.max(2, Number(process.env.SEND_CONCURRENCY) || 2);
    const optional = (name: string) => (process.env[name] ? { [name]: process.env[name]! } : {});
    const environment = {
      STAGE: $app.stage,
      PUBLIC_URL: process.env.PUBLIC_URL || api.url,
      MAIL_FROM: process.env.MAIL_FROM || `Tidings <news@${domain}>`,
      POSTAL_ADDRESS: postalAddress,
      TIERS: process.env.TIERS || "[]",
      SES_MAX_SEND_RATE: process.env.SES_MAX_SEND_RATE || "14",
      SEND_CONCURRENCY: String(sendConcurrency),
      GRACE_DAYS: process.env.GRACE_DAYS || "7",
      MAX_VOTES_PER_PATRON: process.env.MAX_VOTES_PER_PATRON || "3",
      SES_CONFIGURATION_SET: process.env.SES_CONFIGURATION_SET || email.configSet,
      ...optional("OUTLET_NAME"),
      ...optional("BRAND_COLOR"),
      ...optional("MAIL_REPLY_TO"),
      ...optional("UNSUBSCRIBE_MAILTO"),
    };
    // What every function holds; each adds only what it uses (Stripe only where Stripe is called).
    const fn = {
      // Node.js 20 on Lambda was deprecated on 30 April 2026; 22 is the nearest supported to the Node 20 the
      // project is tested on locally (supported until 30 April 2027).
      runtime: "nodejs22.x" as const,
      // ESM, minified, code splitting (Stripe and the email templates load on first use); see scripts/bundle.ts.
      nodejs,
      architecture: "arm64" as const,
      logging: { retention: "1 month" as const },
      environment,
      link: [table, email, signingSecret, signingSecretPrevious],
    };
    const stripe = [stripeSecretKey, stripeWebhookSecret];

    api.route("$default", {
      ...fn,
      handler: "functions/api.handler",
      timeout: "29 seconds", // the gateway gives up at 30
      link: [...fn.link, sendQueue, editorTokens, ...stripe],
    });

    // ---- Workers ---------------------------------------------------------------------------------------------
    sendQueue.subscribe(
      { ...fn, handler: "functions/send-worker.handler", timeout: sendWorkerTimeout, link: [...fn.link, sendQueue] },
      {
        batch: { size: 5, partialResponses: true },
        transform: {
          eventSourceMapping: (args) => {
            // At most SEND_CONCURRENCY workers; each paces itself at SES_MAX_SEND_RATE / SEND_CONCURRENCY.
            args.scalingConfig = { maximumConcurrency: sendConcurrency };
          },
        },
      },
    );

    sesEvents.subscribe("SesEventsSubscriber", { ...fn, handler: "functions/ses-events.handler" });

    // ---- Schedules (EventBridge Scheduler) -------------------------------------------------------------------
    const timezone = process.env.TIDINGS_TIMEZONE || "UTC";
    const digestsOn = (process.env.TIDINGS_SCHEDULED_DIGESTS || (production ? "on" : "off")) === "on";
    new sst.aws.CronV2("DailyDigest", {
      schedule: "cron(0 6 * * ? *)",
      timezone,
      enabled: digestsOn,
      retries: 2, // creating a digest twice yields the same digest
      function: {
        ...fn,
        handler: "functions/cron/daily-digest.handler",
        timeout: "10 minutes",
        link: [...fn.link, sendQueue],
      },
    });
    new sst.aws.CronV2("WeeklyDigest", {
      schedule: "cron(0 6 ? * MON *)",
      timezone,
      enabled: digestsOn,
      retries: 2,
      function: {
        ...fn,
        handler: "functions/cron/weekly-digest.handler",
        timeout: "10 minutes",
        link: [...fn.link, sendQueue],
      },
    });
    // Sends finish after any crash: lost plan messages and expired claims are put back on the queue.
    new sst.aws.CronV2("RecoverSends", {
      schedule: "rate(5 minutes)",
      timezone,
      retries: 1,
      function: { ...fn, handler: "functions/cron/recover-sends.handler", timeout: "5 minutes", link: [...fn.link, sendQueue] },
    });

    new sst.aws.CronV2("Reconcile", {
      schedule: "cron(30 3 * * ? *)",
      timezone,
      retries: 1,
      function: {
        ...fn,
        handler: "functions/cron/reconcile.handler",
        timeout: "10 minutes",
        link: [...fn.link, ...stripe],
      },
    });
    new sst.aws.CronV2("ExpireComps", {
      schedule: "rate(1 hour)",
      timezone,
      retries: 1,
      function: { ...fn, handler: "functions/cron/expire-comps.handler", timeout: "5 minutes" },
    });

    return {
      api: api.url,
      queue: sendQueue.url,
      deadLetters: sendDeadLetters.url,
      table: table.name,
      sender: email.sender,
      configurationSet: email.configSet,
    };
  },
});

