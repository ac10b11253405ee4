/** The app over real HTTP (@hono/node-server, as `npm start` serves it): health, the OpenAPI document, errors. */
import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/api/app";
import * as Db from "../../core/db";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";
import { UNDOCUMENTED } from "../adversarial/surface";

useLocalStack();

let server: ServerType;
let base: string;

beforeAll(async () => {
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => ready());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe("the API over HTTP", () => {
  it("answers /healthz", async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("describes every route that exists in /openapi.json", async () => {
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe("3.1.0");
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
      ),
    );
    const served = app.routes
      .filter((route) => route.method !== "ALL" && !UNDOCUMENTED.includes(route.path))
      .map((route) => `${route.method} ${route.path}`);
    expect(served.length).toBeGreaterThan(5);
    for (const route of served) expect(documented, route).toContain(route);
    expect((await fetch(`${base}/docs`)).status).toBe(200);
  });

  it("answers unknown API paths with the JSON error shape and unknown pages with a page", async () => {
    const api = await fetch(`${base}/api/nothing-here`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    const page = await fetch(`${base}/nothing-here`);
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toContain("text/html");
  });

  it("signs up, confirms and one-click unsubscribes over real HTTP", async () => {
    const email = uniqueEmail("http");
    const signup = await fetch(`${base}/api/subscribe`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email }),
    });
    expect(signup.status).toBe(202);
    const confirm = await fetch(`${base}/confirm`, {
      method: "POST",
      body: new URLSearchParams({ token: tokenFrom((await mailTo(email))[0]!, "/confirm") }),
    });
    expect(confirm.status).toBe(200);
    const subscriber = await Db.Subscribers.getByEmail(email);
    expect(subscriber?.status).toBe("active");

    const unsubscribeUrl = `${base}/unsubscribe?token=${encodeURIComponent(tokenFrom((await mailTo(email))[1]!, "/unsubscribe"))}`;
    const oneClick = await fetch(unsubscribeUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    expect((await Db.Subscribers.get(subscriber!.id))?.status).toBe("unsubscribed");
  });
});
