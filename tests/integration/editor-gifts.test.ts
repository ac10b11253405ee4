/**
 * The dashboard's gifts and comps (`product.md` → Editors' dashboard, Gifts): gifts by status as `GET /api/gifts`
 * lists them; a comp granted through the form (admins only) is what the API then reports, the same form twice gives
 * the same membership, bad input is a 4xx page that changes nothing, and the audit log names the subscriber only as
 * a keyed hash.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Editors from "../../core/editors";
import { dashboardCookie, dashboardGet, dashboardPost } from "../helpers/dashboard";
import { editor } from "../helpers/editor";
import { saveSubscriber } from "../helpers/factories";
import { request } from "../helpers/http";
import { TEST_EDITORS, useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";

useLocalStack();

async function saveGift(status: "paid" | "redeemed" | "void", recipientEmail: string) {
  const at = new Date().toISOString();
  const id = `cs_dashboard_${Math.random().toString(36).slice(2)}`;
  await Db.Gifts.record({
    id,
    tierId: "coffee",
    months: 3,
    recipientEmail,
    deliverOn: at.slice(0, 10),
    amount: 1500,
    currency: "eur",
    status,
    buyerEmail: "buyer@example.org",
    ...(status === "void" && { voidReason: "refunded" }),
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
  return id;
}

const patronOf = async (email: string) => ((await (await editor("GET", `/api/subscribers/${encodeURIComponent(email)}`)).json()) as any).subscriber.patron;
const auditFor = async (email: string) => {
  const { entries } = await Db.Audit.month(new Date().toISOString().slice(0, 7));
  return entries.filter((entry) => entry.via === "dashboard" && entry.target?.startsWith(`person:${Editors.targetHash(email)}`));
};

describe("the gifts page", () => {
  it("lists gifts of each status as the API does; an editor sees no comp form, an admin sees the comped patrons", async () => {
    const waiting = uniqueEmail("gift-waiting");
    const voided = uniqueEmail("gift-void");
    await saveGift("paid", waiting);
    await saveGift("void", voided);
    const writer = await dashboardCookie("editor");

    const page = await dashboardGet(writer, "/editor/gifts");
    expect(page.status).toBe(200);
    const html = await page.text();
    const api = (await (await editor("GET", "/api/gifts?status=paid")).json()) as { gifts: Array<{ recipientEmail: string }> };
    for (const gift of api.gifts) expect(html).toContain(gift.recipientEmail);
    expect(html).toContain("€15");
    expect(html).not.toContain(voided);
    expect(html).toContain("Only admins grant comps.");
    expect(html).not.toContain('action="/editor/gifts/comp"');

    const voidPage = await (await dashboardGet(writer, "/editor/gifts?status=void")).text();
    expect(voidPage).toContain(voided);
    expect(voidPage).toContain("refunded");
    expect((await dashboardGet(writer, "/editor/gifts?status=lost")).status).toBe(400);
    expect((await dashboardGet(writer, "/editor/gifts?cursor=not-a-cursor")).status).toBe(400);

    const admin = await (await dashboardGet(await dashboardCookie("admin"), "/editor/gifts")).text();
    expect(admin).toContain('action="/editor/gifts/comp"');
    expect(admin).toContain("Comped patrons");
  });
});

describe("granting a comp", () => {
  it("makes the subscriber a comped patron of the tier until the end of the day, as the API reports; twice is the same; audited as a hash", async () => {
    const reader = await saveSubscriber({ email: uniqueEmail("comped") });
    const admin = await dashboardCookie("admin");
    for (let i = 0; i < 2; i++) {
      const granted = await dashboardPost(admin, "/editor/gifts/comp", { email: reader.email, tier: "co-creator", until: "2030-06-30" });
      expect(granted.status).toBe(303);
      expect(granted.headers.get("location")).toBe("/editor/gifts?done=comped#comp");
    }
    expect(await patronOf(reader.email)).toMatchObject({ status: "comped", tierId: "co-creator", compedUntil: "2030-06-30T23:59:59.999Z" });
    // The patron names the editor who granted it by key, never by address.
    expect((await Db.Patrons.get(reader.id))?.compedBy).toBe(`dashboard:${Editors.editorKey(TEST_EDITORS.admin)}`);
    const page = await (await dashboardGet(admin, "/editor/gifts?done=comped")).text();
    expect(page).toContain("Comp granted.");
    expect(page).toMatch(new RegExp(`<td>${reader.email}</td><td>Co-creator</td><td>30 Jun 2030</td><td>${TEST_EDITORS.admin}</td>`));

    const audit = await auditFor(reader.email);
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ who: TEST_EDITORS.admin, via: "dashboard", action: "POST /editor/gifts/comp", status: 303 });
    expect(JSON.stringify(audit)).not.toContain(reader.email);
  });

  it("refuses an editor who is not an admin (403), a POST from another site (403), and bad input (4xx); nothing changes", async () => {
    const reader = await saveSubscriber({ email: uniqueEmail("not-comped") });
    const writer = await dashboardCookie("editor");
    const admin = await dashboardCookie("admin");
    const good = { email: reader.email, tier: "coffee", until: "2030-01-01" };

    expect((await dashboardPost(writer, "/editor/gifts/comp", good)).status).toBe(403);
    const foreign = await request("/editor/gifts/comp", {
      method: "POST",
      headers: { cookie: `tidings_editor=${admin}`, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(good),
    });
    expect(foreign.status).toBe(403);

    const bad: Array<[Record<string, string>, number]> = [
      [{ ...good, email: uniqueEmail("nobody") }, 404],
      [{ ...good, email: "not an address" }, 400],
      [{ ...good, tier: "platinum" }, 400],
      [{ ...good, until: "2030-02-30" }, 400],
      [{ ...good, until: "next tuesday" }, 400],
      [{ ...good, until: "2020-01-01" }, 400],
      [{ email: reader.email, tier: "coffee" }, 400],
    ];
    for (const [fields, status] of bad) {
      const refused = await dashboardPost(admin, "/editor/gifts/comp", fields);
      expect(refused.status, JSON.stringify(fields)).toBe(status);
      expect(refused.headers.get("content-type")).toMatch(/text\/html/);
    }
    expect(await patronOf(reader.email)).toBeNull();
    expect(await auditFor(reader.email)).toEqual([]);
  });
});

describe("the gifts page in Ukrainian", () => {
  it("names statuses, columns, months by plural, money and reasons in Ukrainian", async () => {
    const voided = uniqueEmail("gift-void-uk");
    await saveGift("void", voided);
    const admin = await dashboardCookie("admin");
    const page = await request("/editor/gifts?status=void", { headers: { cookie: `tidings_editor=${admin}`, "accept-language": "uk" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-language")).toBe("uk");
    const html = await page.text();
    expect(html).toContain('<html lang="uk"');
    expect(html).toContain("<h1>Подарунки й безкоштовні членства</h1>");
    expect(html).toContain("Анульовані подарунки, за датою доставки");
    expect(html).toContain("Coffee, 3 місяці");
    expect(html).toMatch(/15 €|15&nbsp;€|15\u00a0€/);
    expect(html).toContain("кошти повернуто");
    expect(html).toContain("Адреса електронної пошти підписника");
    expect(html).toContain("Меценати з безкоштовним членством");
    expect(html).not.toContain("Grant the comp");
  });
});
