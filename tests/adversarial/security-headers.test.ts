/**
 * The Content-Security-Policy on every answer of every route the app serves (read from `/openapi.json` and the
 * router's undocumented routes, so a new route is covered without anyone listing it), asked as a stranger, a
 * browser, a signed-in reader, an editor and with a link token of every purpose, plus the answers no route gives
 * (a 404, a 413): each carries `frame-ancestors 'none'` (but a digest's preview in the dashboard's frames: `'self'`),
 * forms limited to us and Stripe, no `<base>`, no plugins, no inline script allowed. And each HTML answer works under its own policy: every `<style>` is allowed by its
 * hash, no style attribute or inline script where the policy forbids them, every form posts where `form-action`
 * allows and every redirect that answers a POST goes where `form-action` allows.
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import { STRIPE_FORM_TARGETS, stripeFormTargets } from "../../functions/api/security-headers";
import { dashboardCookie } from "../helpers/dashboard";
import { EDITOR_TOKEN, publish } from "../helpers/editor";
import { createDigest, LINK_PAGES, savePatronSubscriber, signedIn, signedLink, type SignedIn } from "../helpers/factories";
import { randomIp } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { useFakeStripe } from "../helpers/stripe";
import { customer } from "../helpers/stripe-objects";
import { operations, UNDOCUMENTED, type Operation } from "./surface";

useLocalStack();
const stripe = useFakeStripe();

/** Us and Stripe's hosts, and (STRIPE_API_BASE being set here) the fake Stripe's origin, where a local stand-in's pages would be. */
let FORM_ACTION: string[];

let ops: Operation[];
let reader: SignedIn;
let ownOrigin: string;
let digestId: string;
/** Bodies the routes accept, by route, so that answers past validation are checked too: JSON, or forms. */
let bodies: Record<string, object>;
let forms: Record<string, Record<string, string>>;

beforeAll(async () => {
  ownOrigin = new URL(process.env.PUBLIC_URL!).origin;
  FORM_ACTION = ["'self'", ...stripeFormTargets()];
  expect(FORM_ACTION).toEqual(["'self'", ...STRIPE_FORM_TARGETS, stripe.fake.url]);
  ops = await operations();
  await publish({ "csp-topic": "Policies" }, [{ id: "csp-article", title: "An article", topics: ["csp-topic"] }]);
  digestId = (await createDigest()).id;
  // A paying patron, so that Manage billing reaches the Billing Portal.
  const email = uniqueEmail("csp");
  const cus = customer({ email });
  stripe.fake.customers.set(cus.id, cus);
  reader = await signedIn((await savePatronSubscriber({ stripeCustomerId: cus.id }, { email })).id);
  const tier = ((await (await app.request("/api/tiers")).json()) as { tiers: Array<{ id: string }> }).tiers[0]!.id;
  bodies = {
    "PUT /api/topics/{id}": { title: "Policies", status: "open" },
    "POST /api/topics/proposals": { title: "A proposal", description: "About policies" },
    "PUT /api/articles/{id}": {
      title: "Changed",
      url: "https://news.example.org/x",
      topics: ["csp-topic"],
      publishedAt: new Date().toISOString(),
    },
    "POST /api/digests": { frequency: "daily" },
    "POST /api/digests/{id}/test": { to: ["copy@example.com"] },
    "POST /api/patrons/comp": { email: uniqueEmail("comp"), tier, until: "2030-01-01" },
    "POST /api/subscribe": { email: uniqueEmail("subscribe") },
    "POST /api/login": { email: reader.email },
    "POST /api/membership/checkout": { tier, email: uniqueEmail("checkout") },
  };
  forms = { "POST /join": { tier, email: uniqueEmail("join") }, "POST /preferences": { frequency: "weekly" } };
});

function request(op: Operation, path: string, headers: Record<string, string>, token?: string): Request {
  const url = new URL(path, "http://localhost");
  const route = `${op.method} ${op.path}`;
  const all: Record<string, string> = { ...headers };
  let body: string | undefined;
  if (op.method === "GET" || op.method === "HEAD") {
    if (token !== undefined) url.searchParams.set("token", token);
  } else if (op.bodyTypes.includes("application/x-www-form-urlencoded") && !(route in bodies)) {
    const form = new URLSearchParams(forms[route]);
    if (token !== undefined) form.set("token", token);
    body = form.toString();
    all["content-type"] = "application/x-www-form-urlencoded";
  } else if (op.bodyTypes.includes("text/csv")) {
    body = "email,name\nimported@example.com,Imported\n";
    all["content-type"] = "text/csv";
  } else if (op.bodyTypes.length) {
    body = JSON.stringify(bodies[route] ?? {});
    all["content-type"] = "application/json";
  }
  return new Request(url, { method: op.method, headers: all, body });
}

const concrete = (path: string) =>
  path
    .replace("{email}", encodeURIComponent(reader.email))
    .replace(/^\/api\/digests\/\{id\}/, `/api/digests/${digestId}`)
    .replace(/^\/api\/articles\/\{id\}/, "/api/articles/csp-article")
    .replace(/\{id\}/, "csp-topic");

/** The one answer that may be framed, and by our own pages only: a digest's copy in the dashboard's sandboxed frames. */
const FRAMED_BY_SELF = /^\/editor\/digests\/[^/]+\/preview$/;

const directives = (policy: string) =>
  new Map(policy.split(/;\s*/).filter(Boolean).map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)] as const));

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** What is wrong with one answer under its policy; empty when nothing is. */
function problems(req: Request, response: Response, body: string): string[] {
  const found: string[] = [];
  const policy = response.headers.get("content-security-policy");
  if (!policy) return ["no Content-Security-Policy"];
  const csp = directives(policy);
  const must = (name: string, values: string[]) => {
    const actual = JSON.stringify(csp.get(name));
    if (actual !== JSON.stringify(values)) found.push(`${name} is ${actual}`);
  };
  must("default-src", ["'self'"]);
  // Framed by nobody, but for a digest's preview, which the dashboard's page shows in sandboxed frames: by us only.
  const framable = FRAMED_BY_SELF.test(new URL(req.url).pathname) && csp.get("frame-ancestors")?.join(" ") === "'self'";
  must("frame-ancestors", framable ? ["'self'"] : ["'none'"]);
  must("form-action", FORM_ACTION);
  must("base-uri", ["'none'"]);
  must("object-src", ["'none'"]);
  const scripts = csp.get("script-src") ?? [];
  if (scripts.some((s) => s.startsWith("'unsafe-"))) found.push(`script-src ${scripts.join(" ")}`);
  const frame = response.headers.get("x-frame-options");
  if (frame !== "DENY") found.push(`X-Frame-Options ${frame}`);

  // A redirect answering a form's POST: browsers check it against form-action.
  const location = response.headers.get("location");
  const allowed = (to: string) => to.startsWith("/") || STRIPE_FORM_TARGETS.some((target) => to.startsWith(`${target}/`));
  if (req.method === "POST" && location && !allowed(location)) found.push(`a POST redirects to ${location}, refused`);

  if (!/^text\/html/.test(response.headers.get("content-type") ?? "")) return found;
  const styles = csp.get("style-src") ?? [];
  const inlineStyles = styles.includes("'unsafe-inline'");
  for (const [, css] of body.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)) {
    if (!inlineStyles && !styles.includes(sha256(css!))) found.push(`a <style> style-src refuses: ${css!.slice(0, 60)}`);
  }
  if (!inlineStyles && /<[a-z][^>]*\sstyle\s*=/i.test(body)) found.push("a style attribute that style-src refuses");
  for (const [, attributes] of body.matchAll(/<script\b([^>]*)>/g)) {
    const src = attributes!.match(/\bsrc="([^"]+)"/)?.[1];
    if (!src) found.push("an inline <script>");
    else if (!scripts.includes(src.startsWith("/") ? "'self'" : src)) found.push(`a script script-src refuses: ${src}`);
  }
  for (const [, action] of body.matchAll(/<form\b[^>]*\baction="([^"]*)"/g)) {
    if (!action!.startsWith("/")) found.push(`a form posting to ${action}`);
  }
  return found;
}

describe("the Content-Security-Policy", () => {
  it("lets our own pages alone frame a digest's preview, which runs no script; the page framing it is framed by nobody", async () => {
    const cookie = `tidings_editor=${await dashboardCookie("editor")}`;
    const preview = await app.request(`/editor/digests/${digestId}/preview?variant=free`, { headers: { cookie } });
    expect(preview.status).toBe(200);
    const csp = directives(preview.headers.get("content-security-policy")!);
    expect(csp.get("frame-ancestors")).toEqual(["'self'"]);
    expect(csp.get("script-src")).toEqual(["'none'"]);
    expect(problems(new Request(`http://localhost/editor/digests/${digestId}/preview`), preview, await preview.text())).toEqual([]);
    const page = await app.request(`/editor/digests/${digestId}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(directives(page.headers.get("content-security-policy")!).get("frame-ancestors")).toEqual(["'none'"]);
    const html = await page.text();
    expect(html.match(/<iframe [^>]*>/g)!.every((frame) => frame.includes('sandbox=""'))).toBe(true);
    expect(problems(new Request(`http://localhost/editor/digests/${digestId}`), page, html)).toEqual([]);
  });

  it("is on every answer of every route, and every page works under it", async () => {
    const failures: string[] = [];
    const routes = new Set<string>();
    let unrouted = 0;
    let answers = 0;
    let pages = 0;
    const redirects: string[] = [];
    const check = async (route: string | undefined, req: Request) => {
      const response = await app.request(req, undefined, { incoming: { socket: { remoteAddress: randomIp() } } });
      const body = await response.text();
      answers++;
      if (/^text\/html/.test(response.headers.get("content-type") ?? "")) pages++;
      if (req.method === "POST" && response.headers.has("location")) redirects.push(response.headers.get("location")!);
      if (route) routes.add(route);
      else unrouted++;
      const where = `${req.method} ${new URL(req.url).pathname} → ${response.status}`;
      for (const problem of problems(req, response, body)) failures.push(`${where}: ${problem}`);
    };

    const session = { cookie: reader.header, origin: ownOrigin };
    const editor = { authorization: `Bearer ${EDITOR_TOKEN}` };
    const asks: Array<Record<string, string>> = [{}, { accept: "text/html" }, editor, session];
    // Reading first, then changing; signing out and the erasures last, since they end the reader's session.
    const ends = (op: Operation) => op.path.startsWith("/logout") || /delete|erase/.test(op.path);
    const order = (op: Operation) => (op.method === "GET" ? 0 : ends(op) ? 2 : 1);
    for (const op of [...ops].sort((a, b) => order(a) - order(b))) {
      const route = `${op.method} ${op.path}`;
      const path = concrete(op.path);
      for (const headers of asks) await check(route, request(op, path, headers));
      const takesToken = op.params.some((p) => p.name === "token") || "token" in (op.bodySchema?.properties ?? {});
      if (takesToken) {
        for (const purpose of Object.keys(LINK_PAGES) as Array<keyof typeof LINK_PAGES>) {
          const { token } = signedLink(purpose, reader.id, { topicId: "csp-topic" });
          await check(route, request(op, path, { origin: ownOrigin }, token));
        }
      }
    }
    for (const path of UNDOCUMENTED) await check(`GET ${path}`, new Request(`http://localhost${path}`));
    // Answers no route gives: nothing here, and a body too large to read.
    await check(undefined, new Request("http://localhost/no-such-page", { headers: { accept: "text/html" } }));
    const tooLarge = { method: "POST", headers: { "content-type": "application/json" }, body: "x".repeat(70_000) };
    await check(undefined, new Request("http://localhost/api/subscribe", tooLarge));

    const documented = ops.length;
    console.log(
      `csp: ${routes.size} routes (${documented} documented, ${UNDOCUMENTED.length} undocumented) and ${unrouted} ` +
        `answers no route gives; ${answers} answers checked, ${pages} of them HTML`,
    );
    expect(failures).toEqual([]);
    expect(routes.size).toBe(documented + UNDOCUMENTED.length);
    expect(documented).toBeGreaterThan(40);
    // The policy's Stripe hosts are where the forms' redirects really go.
    for (const target of STRIPE_FORM_TARGETS) {
      expect(redirects.some((to) => to.startsWith(`${target}/`)), target).toBe(true);
    }
  });
});
