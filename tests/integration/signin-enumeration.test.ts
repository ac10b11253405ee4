/**
 * `POST /api/login` must not tell a known address from an unknown one, by anything the caller can observe:
 * the answer (status, body, every header) is the same, and so is the work on the request path — the per-IP
 * count and one message on the transactional queue, with no subscriber-dependent step and no SES call — so
 * neither timing nor an SES outage (which used to turn a known address's answer into a 500) gives it away. The
 * transactional worker emails the link afterwards.
 */
import { describe, expect, it } from "vitest";
import { drain, drainTransactional, pending } from "../../scripts/local-worker";
import { saveSubscriber } from "../helpers/factories";
import { randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { startSesProxy } from "../helpers/ses-proxy";

useLocalStack();

type Shape = "json" | "form" | "browser form";

function askForLink(email: string, shape: Shape) {
  const json = shape === "json";
  return request(
    "/api/login",
    {
      method: "POST",
      headers: {
        "content-type": json ? "application/json" : "application/x-www-form-urlencoded",
        ...(shape === "browser form" && { accept: "text/html,application/xhtml+xml,*/*;q=0.8" }),
      },
      body: json ? JSON.stringify({ email }) : new URLSearchParams({ email }),
    },
    randomIp(),
  );
}

/** All a caller sees of an answer, timing aside. */
async function observed(response: Response) {
  return { status: response.status, headers: [...response.headers.entries()].sort(), body: await response.text() };
}

/** Addresses in every state a sign-in request can meet. */
async function addresses() {
  const active = uniqueEmail("known-active");
  const unsubscribed = uniqueEmail("known-unsubscribed");
  const expired = uniqueEmail("expired-signup");
  await saveSubscriber({ email: active });
  await saveSubscriber({ email: unsubscribed, status: "unsubscribed" });
  await saveSubscriber({ email: expired, status: "pending", expiresAt: Math.floor(Date.now() / 1000) - 60 });
  return { active, unsubscribed, expired, unknown: uniqueEmail("unknown") };
}

describe("asking for a sign-in link reveals nothing about the address", () => {
  it("answers known, unknown and expired addresses identically: status, body and every header, in each body shape", async () => {
    const emails = await addresses();

    for (const shape of ["json", "form", "browser form"] as const) {
      const answers = [];
      for (const email of Object.values(emails)) answers.push(await observed(await askForLink(email, shape)));
      expect(answers[0]!.status, shape).toBe(202);
      for (const answer of answers.slice(1)) expect(answer, shape).toEqual(answers[0]);
    }
    await drain({ workers: 1 });
  });

  it("does the same work on the request path for every address: one queue message, no SES call", async () => {
    const emails = await addresses();
    await drain({ workers: 1 });
    const proxy = await startSesProxy();
    try {
      for (const email of Object.values(emails)) {
        const before = await pending(process.env.TRANSACTIONAL_QUEUE_URL);
        expect((await askForLink(email, "json")).status).toBe(202);
        expect(await pending(process.env.TRANSACTIONAL_QUEUE_URL), email).toBe(before + 1);
      }
      expect(proxy.counts.calls).toBe(0); // nothing was sent while answering

      await drain({ workers: 1 });

      expect(proxy.counts.calls).toBe(2); // the worker emailed the two who may sign in
    } finally {
      await proxy.stop();
    }
    expect(await mailTo(emails.active)).toHaveLength(1);
    expect(await mailTo(emails.unsubscribed)).toHaveLength(1);
    expect(await mailTo(emails.expired)).toHaveLength(0);
    expect(await mailTo(emails.unknown)).toHaveLength(0);
  });

  it("answers a known address 202 while SES refuses every email (it used to be a 500, for known addresses only), and the link follows once SES recovers", async () => {
    const known = uniqueEmail("known-outage");
    await saveSubscriber({ email: known });
    const unknown = uniqueEmail("unknown-outage");
    const proxy = await startSesProxy({ throttle: 1 });
    let answers;
    try {
      answers = [await observed(await askForLink(known, "json")), await observed(await askForLink(unknown, "json"))];
      expect(proxy.counts.calls).toBe(0);
      // The worker meets the outage: the link waits on the queue (handed back), nothing is sent.
      await drainTransactional({ visibleOnly: true, throttleBudgetMs: 0 });
      expect(proxy.counts.throttled).toBeGreaterThan(0);
      expect(await mailTo(known)).toHaveLength(0);
    } finally {
      await proxy.stop();
    }

    expect(answers[0]!.status).toBe(202);
    expect(answers[1]).toEqual(answers[0]);
    await drain({ workers: 1 });
    expect(await mailTo(known)).toHaveLength(1);
  });
});
