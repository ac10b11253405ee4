/// <reference path="./.sst/platform/config.d.ts" />

/**
 * The deployed shape of Tidings. Checked offline by tests/unit/sst-config.test.ts (the `sst` CLI cannot run in CI).
 *
 * Every stage is a production stage (data retained and protected, scheduled digests on, a real postal address and
 * sending domain required) unless it is named in TIDINGS_DEV_STAGES: `prod`, `live` and a typo alike are safe.
 *
 * Deploy-time settings (process.env; `.env` / `.env.<stage>` beside this file are loaded by SST):
 *   TIDINGS_DOMAIN        the outlet's mail domain, in SES (required on production stages; "tidings.example" on
 *                         development ones)
 *   POSTAL_ADDRESS        the outlet's postal address, in every marketing email (required on production stages)
 *   TIDINGS_DEV_STAGES    comma-separated stages that are development stages (default: none)
 *   TIDINGS_SENDER_DOMAIN the SES identity this stage sends from (default: TIDINGS_DOMAIN on production stages,
 *                         `<stage>.<TIDINGS_DOMAIN>` on development ones). One identity per stage: SES holds one
 *                         identity per domain and account, so two stages on one domain need two names.
 *   TIDINGS_DNS           "manual" to add the SES DKIM and DMARC records yourself (stack output `dnsRecords`;
 *                         default: Route 53)
 *   TIDINGS_DMARC         the DMARC policy published for the sender domain (default "v=DMARC1; p=none;"), or
 *                         "existing" when the domain already publishes one (then none is created or listed)
 *   TIDINGS_ALARM_EMAIL   optional address subscribed to the alarms (dead letters waiting); confirm it by email
 *   TIDINGS_API_DOMAIN    optional custom domain for the API (Route 53)
 *   TIDINGS_AWS_REGION    optional region (default: your AWS profile's)
 *   TIDINGS_TIMEZONE      timezone of the schedules (default "UTC")
 *   TIDINGS_SCHEDULED_DIGESTS  "on" | "off" (default: on on production stages, off on development ones)
 *   SEND_CONCURRENCY      concurrent send workers (default: derived from the rate, ceil(the digests' part of
 *                         SES_MAX_SEND_RATE / WORKER_SEND_RATE), at least 2; a value too low to reach the rate is refused)
 *   TRANSACTIONAL_SEND_RATE  emails/s of SES_MAX_SEND_RATE kept for confirmations, sign-in links and patron emails
 *                         (default a fifth, at least 1, at most half); digests pace at the rest
 *   and the app's own settings, passed through to every function: PUBLIC_URL, MAIL_FROM, TIERS, SES_MAX_SEND_RATE,
 *   TRANSACTIONAL_SEND_RATE, GRACE_DAYS, GRACE_REMINDER_DAYS, WINBACK_DAYS, WINBACK_PROMOTION_CODE,
 *   MAX_VOTES_PER_PATRON, MAX_OPEN_PROPOSALS_PER_PATRON, SES_CONFIGURATION_SET, OUTLET_NAME, LANGUAGES, BRAND_COLOR, MAIL_REPLY_TO, UNSUBSCRIBE_MAILTO, STRIPE_AUTOMATIC_TAX, and the contributions'
 *   CONTRIBUTION_AMOUNTS, CONTRIBUTION_MIN, CONTRIBUTION_MAX, CONTRIBUTION_CURRENCY, CONTRIBUTION_FEE, and EDITORS (who
 *   may sign in to the dashboard, `email:role,…`) (each when set); the functions also learn TIDINGS_TIMEZONE and
 *   whether digests are scheduled (SCHEDULED_DIGESTS), for the dashboard.
 * Secrets: `sst secret set SigningSecret …`, `EditorTokens`, and optionally `SigningSecretPrevious`,
 * `StripeSecretKey`, `StripeWebhookSecret`.
 */
/** A development stage is one named in TIDINGS_DEV_STAGES; every other stage is treated as production. */
function isDevelopment(stage: string | undefined): boolean {
  const marked = (process.env.TIDINGS_DEV_STAGES ?? "").split(",").map((name) => name.trim());
  return !!stage && marked.includes(stage);
}

/** Two weeks: SQS's longest retention, so a dead letter outlives a holiday. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/**
 * SST's Route 53 adapter less the DMARC record, for a domain that already publishes one. The Email component
 * creates TXT records only for DMARC (and for a custom MAIL FROM domain, which Tidings does not set), so leaving
 * out TXT keeps the domain's own policy while SST still adds and waits for the DKIM records.
 */
function withoutDmarc<Dns extends { createRecord: (...args: any[]) => unknown }>(dns: Dns): Dns {
  return {
    ...dns,
    createRecord: (namePrefix: string, record: { type: string }, opts?: unknown) =>
      record.type === "TXT" ? undefined : dns.createRecord(namePrefix, record, opts),
  };
}

export default $config({
  app(input) {
    const region = process.env.TIDINGS_AWS_REGION;
    const production = !isDevelopment(input?.stage);
    return {
      name: "tidings",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
      ...(region ? { providers: { aws: { region } } } : {}),
    };
  },

  async run() {
    // SST forbids top-level imports here; this is the same definition DynamoDB Local's CreateTable is built from.
    const { table: tableDefinition } = await import("./core/db/table");
    // How functions are bundled; tests/unit/bundle-size.test.ts builds with the same settings and holds the budgets.
    const { nodejs } = await import("./scripts/bundle");
    // How many send workers the rate needs (plain numbers: core/delivery/capacity.ts imports nothing).
    const { sendWorkers } = await import("./core/delivery/capacity");
    const { DIGEST_SCHEDULES } = await import("./core/digests/schedule");
    const { DASHBOARD_ROUTES } = await import("./functions/api/dashboard-paths");
    const production = !isDevelopment($app.stage);
    const missing = ["POSTAL_ADDRESS", "TIDINGS_DOMAIN"].filter((name) => !process.env[name]?.trim());
    if (production && missing.length) {
      throw new Error(
        `Set ${missing.join(" and ")} to deploy stage "${$app.stage}": every marketing email carries the postal ` +
          `address and comes from the outlet's domain. A development stage needs neither: name it in TIDINGS_DEV_STAGES.`,
      );
    }
    const domain = process.env.TIDINGS_DOMAIN || "tidings.example";
    const sender = process.env.TIDINGS_SENDER_DOMAIN || (production ? domain : `${$app.stage}.${domain}`);

    // ---- Data ------------------------------------------------------------------------------------------------
    const table = new sst.aws.Dynamo("Table", {
      fields: tableDefinition.fields,
      primaryIndex: tableDefinition.primaryIndex,
      globalIndexes: tableDefinition.globalIndexes,
      ttl: tableDefinition.ttl,
    });

    // Subscriber exports: written here and handed out as short-lived presigned URLs (API Gateway buffers responses
    // at 6 MB, about 48,000 subscribers); each file is deleted a day later.
    const exportsBucket = new sst.aws.Bucket("Exports", {
      lifecycle: [{ id: "ExpireExports", prefix: "exports/", expiresIn: "1 day" }],
      transform: {
        // An upload cut short (a Lambda killed mid-export) leaves parts that expiry alone never removes.
        lifecycle: (args: { rules: unknown }) => {
          args.rules = $resolve([args.rules]).apply(([rules]) =>
            (rules as object[]).map((rule) => ({ ...rule, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } })),
          );
        },
      },
    });

    // ---- Secrets (`sst secret set <Name> <value>`) -----------------------------------------------------------
    // A placeholder makes a secret optional: "" means "not set" to core/config.
    const signingSecret = new sst.Secret("SigningSecret");
    const signingSecretPrevious = new sst.Secret("SigningSecretPrevious", "");
    const editorTokens = new sst.Secret("EditorTokens");
    const stripeSecretKey = new sst.Secret("StripeSecretKey", "");
    const stripeWebhookSecret = new sst.Secret("StripeWebhookSecret", "");

    // ---- Email: SES identity, its configuration set, and bounce/complaint/delivery events -------------------
    // Each stage has an identity of its own (`sender`), so two stages never fight over one. With DNS in Route 53
    // SST adds the DKIM records and a DMARC record; a domain that already publishes DMARC keeps its own record.
    const manualDns = process.env.TIDINGS_DNS === "manual";
    const keepDmarc = process.env.TIDINGS_DMARC === "existing";
    const dmarc = keepDmarc ? undefined : process.env.TIDINGS_DMARC || "v=DMARC1; p=none;";
    const sesEvents = new sst.aws.SnsTopic("SesEvents");
    const email = new sst.aws.Email("Email", {
      sender,
      ...(manualDns ? { dns: false as const } : keepDmarc ? { dns: withoutDmarc(sst.aws.dns()) } : { dmarc }),
      events: [{ name: "SesEvents", types: ["bounce", "complaint", "delivery"], topic: sesEvents.arn }],
    });
    // What to add by hand in manual-DNS mode: SES's three DKIM CNAMEs and, unless the domain has one, DMARC.
    const dnsRecords = manualDns
      ? email.nodes.identity.dkimSigningAttributes.apply((dkim) => [
          ...(dkim?.tokens ?? []).map((token) => ({
            type: "CNAME",
            name: `${token}._domainkey.${sender}`,
            value: `${token}.dkim.amazonses.com`,
          })),
          ...(dmarc ? [{ type: "TXT", name: `_dmarc.${sender}`, value: dmarc }] : []),
        ])
      : undefined;
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
    // Dead letters wait two weeks (SQS keeps four days by default) for a look and a redrive; an alarm says so.
    const keepTwoWeeks = {
      queue: (args: { messageRetentionSeconds?: unknown }) => {
        args.messageRetentionSeconds = DEAD_LETTER_RETENTION_SECONDS;
      },
    };
    const sendDeadLetters = new sst.aws.Queue("SendDeadLetters", { transform: keepTwoWeeks });
    const sendWorkerTimeout = "2 minutes";
    // Under the lease ses-events holds on each SNS message (core/delivery/ses-events.ts, 90 s), so a retry after a
    // timeout finds the lease expired and applies the event.
    const sesEventsTimeout = "1 minute";
    const sendQueue = new sst.aws.Queue("SendQueue", {
      // Lambda's advice: at least 6x the consumer's timeout, so a slow batch is never handed to a second worker.
      visibilityTimeout: "12 minutes",
      // Generous: SES throttling is retried, not failed; what lands here is redriven after a look.
      dlq: { queue: sendDeadLetters.arn, retry: 10 },
    });

    // ---- Transactional queue (confirmations and sign-in links, never behind a digest) ------------------------
    // A queue and worker of their own, so a reader waiting for a link is never queued behind a digest's messages,
    // paced from the share of the SES rate that digests leave free (TRANSACTIONAL_SEND_RATE). One email per
    // message: a short timeout, and visibility six times it, as for the send queue.
    const transactionalDeadLetters = new sst.aws.Queue("TransactionalDeadLetters", { transform: keepTwoWeeks });
    const transactionalWorkerTimeout = "1 minute";
    const transactionalQueue = new sst.aws.Queue("TransactionalQueue", {
      visibilityTimeout: "6 minutes",
      // Throttling is handed back as a new message, never counted; what lands here (an account-level refusal that
      // lasted, a bug) is kept two weeks and alarmed, and its claim makes a redrive send nothing twice.
      dlq: { queue: transactionalDeadLetters.arn, retry: 10 },
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
    // Enough send workers for the digests' part of the rate at WORKER_SEND_RATE each (a worker keeps SEND_IN_FLIGHT
    // sends going under its bucket of that part / SEND_CONCURRENCY); a SEND_CONCURRENCY too low for it is refused.
    const sesMaxSendRate = process.env.SES_MAX_SEND_RATE || "14";
    const sendConcurrency = sendWorkers({
      SES_MAX_SEND_RATE: Number(sesMaxSendRate),
      ...(process.env.TRANSACTIONAL_SEND_RATE ? { TRANSACTIONAL_SEND_RATE: Number(process.env.TRANSACTIONAL_SEND_RATE) } : {}),
      ...(process.env.SEND_CONCURRENCY ? { SEND_CONCURRENCY: Number(process.env.SEND_CONCURRENCY) } : {}),
    });
    const optional = (name: string) => (process.env[name] ? { [name]: process.env[name]! } : {});
    const timezone = process.env.TIDINGS_TIMEZONE || "UTC";
    const digestsOn = (process.env.TIDINGS_SCHEDULED_DIGESTS || (production ? "on" : "off")) === "on";
    const environment = {
      STAGE: $app.stage,
      PUBLIC_URL: process.env.PUBLIC_URL || api.url,
      MAIL_FROM: process.env.MAIL_FROM || `Tidings <news@${sender}>`,
      POSTAL_ADDRESS: postalAddress,
      TIERS: process.env.TIERS || "[]",
      SES_MAX_SEND_RATE: sesMaxSendRate,
      ...optional("TRANSACTIONAL_SEND_RATE"),
      SEND_CONCURRENCY: String(sendConcurrency),
      GRACE_DAYS: process.env.GRACE_DAYS || "7",
      ...optional("GRACE_REMINDER_DAYS"),
      ...optional("WINBACK_DAYS"),
      ...optional("WINBACK_PROMOTION_CODE"),
      MAX_VOTES_PER_PATRON: process.env.MAX_VOTES_PER_PATRON || "3",
      MAX_OPEN_PROPOSALS_PER_PATRON: process.env.MAX_OPEN_PROPOSALS_PER_PATRON || "3",
      SES_CONFIGURATION_SET: process.env.SES_CONFIGURATION_SET || email.configSet,
      ...optional("OUTLET_NAME"),
      ...optional("LANGUAGES"),
      ...optional("BRAND_COLOR"),
      ...optional("MAIL_REPLY_TO"),
      ...optional("UNSUBSCRIBE_MAILTO"),
      ...optional("STRIPE_AUTOMATIC_TAX"),
      ...optional("CONTRIBUTION_AMOUNTS"),
      ...optional("CONTRIBUTION_MIN"),
      ...optional("CONTRIBUTION_MAX"),
      ...optional("CONTRIBUTION_CURRENCY"),
      ...optional("CONTRIBUTION_FEE"),
      ...optional("EDITORS"),
      SCHEDULED_DIGESTS: digestsOn ? "on" : "off",
      TIDINGS_TIMEZONE: timezone,
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

    const apiFunction = {
      ...fn,
      timeout: "29 seconds" as const, // the gateway gives up at 30
      link: [...fn.link, sendQueue, transactionalQueue, editorTokens, exportsBucket, ...stripe],
    };
    api.route("$default", { ...apiFunction, handler: "functions/api.handler" });
    // The editors' dashboard is a function of its own: its pages (charts, previews) stay out of what a reader's
    // request cold-starts. It serves the whole app, so these routes need nothing else; the whole OpenAPI document,
    // dashboard included, comes from it too.
    const dashboard = new sst.aws.Function("Dashboard", { ...apiFunction, handler: "functions/dashboard.handler" });
    for (const route of DASHBOARD_ROUTES) api.route(route, dashboard.arn);

    // ---- Workers ---------------------------------------------------------------------------------------------
    sendQueue.subscribe(
      { ...fn, handler: "functions/send-worker.handler", timeout: sendWorkerTimeout, link: [...fn.link, sendQueue] },
      {
        batch: { size: 5, partialResponses: true },
        transform: {
          eventSourceMapping: (args) => {
            // At most SEND_CONCURRENCY workers (the same number every function is given); each paces itself at the
            // digests' part of SES_MAX_SEND_RATE / SEND_CONCURRENCY, within WORKER_SEND_RATE.
            args.scalingConfig = { maximumConcurrency: sendConcurrency };
          },
        },
      },
    );

    transactionalQueue.subscribe(
      {
        ...fn,
        handler: "functions/transactional-worker.handler",
        timeout: transactionalWorkerTimeout,
        // Its own queue, to hand back what SES throttles.
        link: [...fn.link, transactionalQueue],
      },
      {
        batch: { size: 5, partialResponses: true },
        transform: {
          eventSourceMapping: (args) => {
            // TRANSACTIONAL_CONCURRENCY (core/delivery/pacing.ts) workers, each at half the transactional reserve.
            args.scalingConfig = { maximumConcurrency: 2 };
          },
        },
      },
    );

    // SNS invokes ses-events asynchronously: Lambda retries a failed event twice, then hands it to a dead-letter
    // queue instead of dropping it (`sqs:SendMessage` comes with the link).
    const sesEventsDeadLetters = new sst.aws.Queue("SesEventsDeadLetters", { transform: keepTwoWeeks });
    sesEvents.subscribe("SesEventsSubscriber", {
      ...fn,
      handler: "functions/ses-events.handler",
      timeout: sesEventsTimeout,
      retries: 2,
      link: [...fn.link, sesEventsDeadLetters],
      transform: {
        eventInvokeConfig: (args: { destinationConfig?: unknown }) => {
          args.destinationConfig = { onFailure: { destination: sesEventsDeadLetters.arn } };
        },
      },
    });

    // ---- Alarms: nothing fails out of sight ------------------------------------------------------------------
    // A message in a dead-letter queue is a send or an SES event that needs a look; an alarm says so at once.
    const alarms = new sst.aws.SnsTopic("Alarms");
    if (process.env.TIDINGS_ALARM_EMAIL) {
      new aws.sns.TopicSubscription("AlarmsEmail", {
        topic: alarms.arn,
        protocol: "email",
        endpoint: process.env.TIDINGS_ALARM_EMAIL,
      });
    }
    for (const [name, queue] of [
      ["SendDeadLetters", sendDeadLetters],
      ["SesEventsDeadLetters", sesEventsDeadLetters],
      ["TransactionalDeadLetters", transactionalDeadLetters],
    ] as const) {
      new aws.cloudwatch.MetricAlarm(`${name}Waiting`, {
        alarmDescription: `Tidings ${$app.stage}: messages wait in ${name}; see core/delivery/README.md`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.nodes.queue.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [alarms.arn],
        okActions: [alarms.arn],
      });
    }

    // ---- Schedules (EventBridge Scheduler) -------------------------------------------------------------------
    new sst.aws.CronV2("DailyDigest", {
      schedule: DIGEST_SCHEDULES.daily.expression,
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
      schedule: DIGEST_SCHEDULES.weekly.expression,
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

    // Reconciliation works a daily cycle in short runs, each going on from the last one's checkpoint until shortly
    // before its timeout: every 15 minutes finishes a large cycle well within the day, and a run with nothing to do
    // (the cycle finished, the next not due) reads one item and stops.
    new sst.aws.CronV2("Reconcile", {
      schedule: "rate(15 minutes)",
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
    // Gifts: the redeem links whose delivery date has come and the invitations a week before a gift ends, each once.
    new sst.aws.CronV2("DeliverGifts", {
      schedule: "rate(1 hour)",
      timezone,
      retries: 1,
      function: { ...fn, handler: "functions/cron/deliver-gifts.handler", timeout: "5 minutes" },
    });
    // Keeping patrons and readers: grace reminders, win-back and the welcome series' due steps, each once. The
    // series' steps go out through the transactional queue, paced with the rest of transactional email.
    new sst.aws.CronV2("Lifecycle", {
      schedule: "rate(1 hour)",
      timezone,
      retries: 1,
      function: { ...fn, handler: "functions/cron/lifecycle.handler", timeout: "10 minutes", link: [...fn.link, transactionalQueue] },
    });
    // The editors' figures over time: the snapshot of the UTC day that just ended, once (a retry keeps the first).
    // In UTC whatever TIDINGS_TIMEZONE says: snapshots and their counters are kept by UTC day.
    new sst.aws.CronV2("StatsSnapshot", {
      schedule: "cron(5 0 * * ? *)",
      timezone: "UTC",
      retries: 2,
      function: { ...fn, handler: "functions/cron/stats-snapshot.handler", timeout: "5 minutes" },
    });

    return {
      api: api.url,
      queue: sendQueue.url,
      deadLetters: sendDeadLetters.url,
      transactionalQueue: transactionalQueue.url,
      transactionalDeadLetters: transactionalDeadLetters.url,
      sesEventsDeadLetters: sesEventsDeadLetters.url,
      alarms: alarms.arn,
      table: table.name,
      exports: exportsBucket.name,
      sender: email.sender,
      configurationSet: email.configSet,
      ...(dnsRecords ? { dnsRecords } : {}),
    };
  },
});

