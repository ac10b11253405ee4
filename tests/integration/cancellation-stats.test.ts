/**
 * Cancellation reasons where editors and readers see them, against the real local stack: `GET /api/stats/cancellations`
 * (the period's counts; bad dates, a reversed or too long period and a missing token refused), the dashboard's
 * retention panel and the subscriber record in English and Ukrainian (a comment escaped like any text), the
 * reader's export (the comment is theirs) and erasure (the comment goes, the anonymous counts stay).
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { daysBetween } from "../../core/db/cancellation-days";
import * as Privacy from "../../core/privacy";
import type { Cancellation } from "../../core/patrons/types";
import { dashboardCookie, dashboardGet } from "../helpers/dashboard";
import { editorAs } from "../helpers/editor";
import { savePatronSubscriber } from "../helpers/factories";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";

useLocalStack();

/** A lapsed patron with a cancellation, written as the webhook writes one (the day's counters in its transaction). */
async function cancelled(name: string, cancellation: Omit<Cancellation, "subscriptionId">) {
  const subscriptionId = `sub_${name.replaceAll("-", "")}`;
  return savePatronSubscriber(
    { status: "lapsed", stripeCustomerId: `cus_${name.replaceAll("-", "")}`, stripeSubscriptionId: subscriptionId, subscriptionStatus: "canceled", cancellation: { subscriptionId, ...cancellation } },
    { email: uniqueEmail(name) },
  );
}

const api = (query: string) => editorAs("read", "GET", `/api/stats/cancellations${query}`);

describe("GET /api/stats/cancellations", () => {
  it("answers the period's cancellations by reason and feedback, with those taken back; days outside are left out", async () => {
    await cancelled("api-a", { requestedAt: "2024-04-02T10:00:00.000Z", reason: "cancellation_requested", feedback: "too_expensive" });
    await cancelled("api-b", { requestedAt: "2024-04-15T23:59:59.000Z", reason: "cancellation_requested", feedback: "unused", withdrawnAt: "2024-04-20T00:00:00.000Z" });
    await cancelled("api-c", { requestedAt: "2024-04-30T00:00:00.000Z", reason: "payment_failed" });
    await cancelled("api-outside", { requestedAt: "2024-05-01T00:00:00.000Z", reason: "payment_disputed" });

    const response = await api("?from=2024-04-01&to=2024-04-30");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      from: "2024-04-01",
      to: "2024-04-30",
      total: 3,
      withdrawn: 1,
      byReason: { cancellation_requested: 2, payment_failed: 1 },
      byFeedback: { too_expensive: 1, unused: 1, none: 1 },
    });
    expect(await (await api("?from=2024-04-03&to=2024-04-14")).json()).toMatchObject({ total: 0, withdrawn: 0, byReason: {}, byFeedback: {} });
  });

  it("refuses a date that is no date, a reversed period and one over 400 days with 400, and anyone without a token with 401", async () => {
    for (const query of ["?from=2024-02-30", "?to=yesterday", "?from=2024-04-10&to=2024-04-01", "?from=2023-01-01&to=2024-04-01", "?from=2024-04-01T00:00:00Z"]) {
      const response = await api(query);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code, query).toBe("invalid_request");
    }
    expect((await request("/api/stats/cancellations")).status).toBe(401);
    // Without dates: the last 90 days up to today.
    expect(await (await api("")).json()).toMatchObject({ total: expect.any(Number) });
  });
});

describe("on the dashboard", () => {
  it("the retention page's panel counts by the patrons' answers and Stripe's reasons, in English and Ukrainian", async () => {
    await cancelled("panel-a", { requestedAt: "2024-07-01T08:00:00.000Z", reason: "cancellation_requested", feedback: "switched_service" });
    await cancelled("panel-b", { requestedAt: "2024-07-02T08:00:00.000Z", reason: "cancellation_requested", feedback: "switched_service" });
    await cancelled("panel-c", { requestedAt: "2024-07-03T08:00:00.000Z", reason: "payment_failed" });
    const cookie = await dashboardCookie("editor");

    const en = await (await dashboardGet(cookie, "/editor/retention?from=2024-07-01&to=2024-07-31")).text();
    expect(en).toContain("Why patrons cancel");
    expect(en).toContain("3 cancellations asked for from 1 Jul 2024 to 31 Jul 2024; none taken back.");
    expect(en).toMatch(/<tr data-value="switched_service"><th scope="row">Switched to another service<\/th><td class="num">2<\/td><td class="num">67%<\/td>/);
    expect(en).toMatch(/<tr data-value="payment_failed"><th scope="row">Payments failed<\/th><td class="num">1<\/td>/);
    expect(en).toContain("No answer");

    const uk = await (await dashboardGet(cookie, "/editor/retention?from=2024-07-01&to=2024-07-31&lang=uk")).text();
    expect(uk).toContain("Чому меценати скасовують");
    expect(uk).toContain("3 запити на скасування з 1 лип. 2024 р. до 31 лип. 2024 р.; жодного не відкликали.");
    expect(uk).toMatch(/<th scope="row">Перейшли на інший сервіс<\/th><td class="num">2<\/td>/);
    expect(uk).toContain("Платежі не пройшли");
  });

  it("the subscriber's record shows their last cancellation: when, reason, answer, comment (escaped) and when taken back", async () => {
    const subscriber = await cancelled("record", {
      requestedAt: "2024-08-05T14:30:00.000Z",
      reason: "cancellation_requested",
      feedback: "low_quality",
      comment: "Fewer <b>local</b> stories & more ads",
      withdrawnAt: "2024-08-09T07:00:00.000Z",
    });
    const cookie = await dashboardCookie("editor");
    const path = `/editor/subscribers/${encodeURIComponent(subscriber.email)}`;

    const en = await (await dashboardGet(cookie, path)).text();
    expect(en).toContain("<h3 id=\"cancellation-heading\">Cancellation</h3>");
    expect(en).toContain("Quality was lacking");
    expect(en).toContain("Cancellation asked for");
    expect(en).toContain("Fewer &lt;b&gt;local&lt;/b&gt; stories &amp; more ads");
    expect(en).not.toContain("<b>local</b>");
    expect(en).toContain("5 Aug 2024");
    expect(en).toContain("Taken back");

    const uk = await (await dashboardGet(cookie, `${path}?lang=uk`)).text();
    expect(uk).toContain("Скасування");
    expect(uk).toContain("Недостатня якість");
    expect(uk).toContain("Відкликано");
  });
});

describe("the comment is personal data", () => {
  it("is in the reader's export, and gone with their erasure while the day's counts stay", async () => {
    const subscriber = await cancelled("erase", { requestedAt: "2024-09-09T09:09:09.000Z", reason: "cancellation_requested", feedback: "other", comment: "Moving abroad" });
    const exported = await Privacy.exportData(subscriber.id);
    expect(exported.patron).toMatchObject({ cancellation: { comment: "Moving abroad", feedback: "other" } });

    await Privacy.erase(subscriber.id);

    expect(await Db.Patrons.get(subscriber.id)).toBeUndefined();
    expect(JSON.stringify(await Db.Erasure.partition(subscriber.id))).not.toContain("Moving abroad");
    expect(await daysBetween("2024-09-09", "2024-09-09")).toMatchObject([{ total: 1, byFeedback: { other: 1 } }]);
  });
});
