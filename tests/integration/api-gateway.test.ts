/**
 * The API as deployed: the `api` function bundled the way `sst deploy` bundles it (scripts/bundle.ts, through SST's
 * own plugin bridge), its `handler` imported from the bundle and called with API Gateway HTTP API events (payload
 * format 2.0, shaped as AWS documents them), against the real local stack. What `hono/aws-lambda` makes of the
 * gateway's payload (path, query, headers, base64 bodies, source IP) is tested here, not only the Hono app; and the
 * `dashboard` function, bundled the same way, for the routes the gateway sends it.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { build, functionEntries, OUT } from "../../scripts/bundle";
import * as SignIn from "../../core/signin";
import * as Tokens from "../../core/tokens";
import { customer } from "../../scripts/stripe-standin/objects";
import { savePatronSubscriber, saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { useFakeStripe } from "../helpers/stripe";

useLocalStack();
// Before the bundles' first request: the bundled app reads its settings (Stripe's among them) once, on first use.
const stripe = useFakeStripe();

type Handler = (event: APIGatewayProxyEventV2, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;
/** The dashboard's function, which the gateway's `/editor…` routes (and `/openapi.json`) go to. */
let dashboard: Handler;

/** A function bundled as deployed, its handler imported from the bundle. */
async function bundled(name: string): Promise<Handler> {
  const outdir = join(OUT, "api-gateway-test", name);
  rmSync(outdir, { recursive: true, force: true });
  const bundle = await build(name, functionEntries()[name]!, outdir);
  return (await import(pathToFileURL(bundle.entry.file).href)).handler;
}

beforeAll(async () => {
  [handler, dashboard] = await Promise.all([bundled("api"), bundled("dashboard")]);
}, 180_000);

/** An HTTP API (payload 2.0) event, as API Gateway sends it for the `$default` route (or `routeKey`). */
function gatewayEvent(
  method: string,
  path: string,
  options: { query?: string; body?: string; headers?: Record<string, string>; routeKey?: string } = {},
) {
  const routeKey = options.routeKey ?? "$default";
  const body = options.body === undefined ? undefined : Buffer.from(options.body).toString("base64");
  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey,
    rawPath: path,
    rawQueryString: options.query ?? "",
    headers: { host: "abc123.execute-api.eu-west-1.amazonaws.com", "user-agent": "curl/8.5.0", ...options.headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.9", userAgent: "curl/8.5.0" },
      requestId: "JKJaXmPLvHcESHA=",
      routeKey,
      stage: "$default",
      time: "04/Dec/2026:19:00:00 +0000",
      timeEpoch: Date.now(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: body !== undefined,
  };
  return event;
}

const bodyOf = (result: APIGatewayProxyStructuredResultV2) =>
  result.isBase64Encoded ? Buffer.from(result.body ?? "", "base64").toString("utf8") : (result.body ?? "");

describe("the bundled API behind API Gateway (HTTP API, payload 2.0)", () => {
  it("answers health and its OpenAPI document", async () => {
    const health = await handler(gatewayEvent("GET", "/healthz"), {});
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(bodyOf(health))).toEqual({ ok: true });

    const openapi = await handler(gatewayEvent("GET", "/openapi.json"), {});
    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(JSON.parse(bodyOf(openapi)).paths)).toContain("/api/subscribe");
  });

  it("takes a base64-encoded JSON sign-up and writes a pending subscriber", async () => {
    const email = uniqueEmail("gateway");
    const result = await handler(
      gatewayEvent("POST", "/api/subscribe", {
        body: JSON.stringify({ email, topics: [], frequency: "weekly" }),
        headers: { "content-type": "application/json" },
      }),
      {},
    );
    expect(result.statusCode).toBe(202);
    expect((await Db.Subscribers.getByEmail(email))?.status).toBe("pending");
  });

  it("reads the query string and refuses bad input with a 4xx, changing nothing", async () => {
    const refused = await handler(gatewayEvent("GET", "/unsubscribe", { query: "token=not-a-token" }), {});
    expect(refused.statusCode).toBe(400);
    const bad = await handler(
      gatewayEvent("POST", "/api/subscribe", { body: "{not json", headers: { "content-type": "application/json" } }),
      {},
    );
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    const editorOnly = await handler(gatewayEvent("GET", "/api/stats"), {});
    expect(editorOnly.statusCode).toBe(401);
  });

  it("signs in through the gateway: both cookies in the payload's cookies list, and the page policy on the answer", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("gateway-signin") });
    const origin = new URL(process.env.PUBLIC_URL!).origin;
    const result = await handler(
      gatewayEvent("POST", "/login", {
        body: new URLSearchParams({ token: SignIn.linkToken(subscriber.id) }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", origin },
      }),
      {},
    );
    expect(result.statusCode).toBeLessThan(400);
    // Payload 2.0 carries each Set-Cookie in `cookies`: the session and the device the link is now bound to.
    const cookies = result.cookies ?? [];
    expect(cookies.some((cookie) => cookie.startsWith(`${SignIn.sessionCookie()}=`))).toBe(true);
    expect(cookies.some((cookie) => cookie.startsWith(`${SignIn.deviceCookie()}=`))).toBe(true);
    const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["cache-control"]).toBe("no-store");
  });

  it("speaks the page's language from the bundle: the catalogues load on first use, from their own chunk", async () => {
    const uk = await handler(gatewayEvent("GET", "/login", { headers: { "accept-language": "uk-UA,uk;q=0.9" } }), {});
    expect(uk.statusCode).toBe(200);
    expect(bodyOf(uk)).toMatch(/<html lang="uk"/);
    expect(uk.headers?.["content-language"] ?? uk.headers?.["Content-Language"]).toBe("uk");
    // ?lang= sets the cookie through the payload's cookies list, and outranks the header.
    const en = await handler(gatewayEvent("GET", "/login", { query: "lang=en", headers: { "accept-language": "uk" } }), {});
    expect(bodyOf(en)).toMatch(/<html lang="en"/);
    expect((en.cookies ?? []).some((cookie) => cookie.startsWith("tidings_lang=en;"))).toBe(true);
  });

  it("opens a payment-failed email's card-update link: 303 to the Billing Portal's update flow; a tampered link, its page from the on-demand chunk", async () => {
    const cus = customer({ email: uniqueEmail("gateway-card") });
    stripe.fake.customers.set(cus.id, cus);
    const reader = await savePatronSubscriber({ status: "grace", stripeCustomerId: cus.id, stripeCustomerIds: [cus.id], stripeSubscriptionId: "sub_gateway" });
    const token = Tokens.sign("billing-update", `${reader.id}~${cus.id}`);

    const opened = await handler(gatewayEvent("GET", "/billing/update", { query: `token=${encodeURIComponent(token)}`, headers: { accept: "text/html" } }), {});
    expect(opened.statusCode).toBe(303);
    const session = stripe.fake.portalSessions.find((s) => s.params.customer === cus.id);
    expect(session?.params.flow_data).toMatchObject({ type: "payment_method_update", after_completion: { type: "redirect" } });
    expect(opened.headers?.location).toBe(session!.session.url);

    const tampered = await handler(
      gatewayEvent("GET", "/billing/update", { query: `token=${encodeURIComponent(`${token}x`)}`, headers: { accept: "text/html", "accept-language": "uk" } }),
      {},
    );
    expect(tampered.statusCode).toBe(400);
    expect(tampered.headers?.["content-language"]).toBe("uk");
    expect(bodyOf(tampered)).toMatch(/<html lang="uk"/);
    expect(stripe.fake.portalSessions.filter((s) => s.params.customer === cus.id)).toHaveLength(1);
  });

  it("leaves the dashboard to its own function: the API's answers 404 for /editor, the dashboard's serves it and the whole OpenAPI document", async () => {
    expect((await handler(gatewayEvent("GET", "/editor/login"), {})).statusCode).toBe(404);
    const login = await dashboard(gatewayEvent("GET", "/editor/login", { routeKey: "ANY /editor/{proxy+}" }), {});
    expect(login.statusCode).toBe(200);
    expect(bodyOf(login)).toContain("Sign in to the dashboard");
    const overview = await dashboard(gatewayEvent("GET", "/editor", { routeKey: "ANY /editor" }), {});
    expect(overview.statusCode).toBe(303);
    expect(overview.headers?.location).toBe("/editor/login");
    const paths = (result: APIGatewayProxyStructuredResultV2) => Object.keys(JSON.parse(bodyOf(result)).paths);
    const whole = await dashboard(gatewayEvent("GET", "/openapi.json", { routeKey: "GET /openapi.json" }), {});
    expect(paths(whole)).toEqual(expect.arrayContaining(["/api/subscribe", "/editor", "/api/editor/login"]));
    expect(paths(await handler(gatewayEvent("GET", "/openapi.json"), {}))).not.toContain("/editor");
  });
});
