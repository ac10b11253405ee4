/**
 * The dashboard's digests (`product.md` → Digests, Editors' dashboard): an editor creates a digest with a form
 * (creating it again opens the same one), previews the free, patron and one subscriber's copy in sandboxed frames,
 * sends test copies, sends it after a confirm step, follows its progress until it is sent, cancels, and lists its
 * deliveries by status a page at a time. Bad input is a 4xx page that changes nothing; a POST from another site is
 * refused; every action is in the audit log, people as keyed hashes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import * as Digests from "../../core/digests";
import * as Editors from "../../core/editors";
import { drain } from "../../scripts/local-worker";
import { dashboardCookie, dashboardGet, dashboardPost } from "../helpers/dashboard";
import { publish } from "../helpers/editor";
import { createSubscribers, saveDigest, saveSubscriber, uniquePeriod } from "../helpers/factories";
import { request } from "../helpers/http";
import { TEST_EDITORS, useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";

useLocalStack();

let writer: string;
const month = () => new Date().toISOString().slice(0, 7);
/** This month's audit log, every page of it. */
async function audit(): Promise<Editors.Audit.AuditEntry[]> {
  const entries: Editors.Audit.AuditEntry[] = [];
  let before: string | undefined;
  do {
    const page = await Editors.Audit.list(month(), before);
    entries.push(...page.entries);
    before = page.before;
  } while (before);
  return entries;
}
const sendAll = () => drain({ workers: 1, bucket: new Delivery.TokenBucket(1000) });

/** Creates a digest through the form, answering its id. */
async function createThroughForm(fields: Record<string, string>): Promise<string> {
  const response = await dashboardPost(writer, "/editor/digests", fields);
  expect(response.status).toBe(303);
  return /^\/editor\/digests\/([^?]+)/.exec(response.headers.get("location")!)![1]!;
}

beforeAll(async () => {
  await publish({ "dash-rail": "Railways" }, [{ id: "dash-night-trains", title: "The night trains return", topics: ["dash-rail"] }]);
  writer = await dashboardCookie("editor");
});

describe("the dashboard's digests", () => {
  it("creates a digest through the form; creating it again opens the same one, unchanged; both are in the list and the audit log", async () => {
    const period = uniquePeriod("weekly");
    const first = await dashboardPost(writer, "/editor/digests", { frequency: "weekly", period, subject: "Trains are back", intro: "A week of rails." });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(`/editor/digests/weekly-${period}?notice=created`);
    const again = await dashboardPost(writer, "/editor/digests", { frequency: "weekly", period, subject: "Something else", intro: "" });
    expect(again.headers.get("location")).toBe(`/editor/digests/weekly-${period}?notice=existed`);
    expect(await Db.Digests.get(`weekly-${period}`)).toMatchObject({ subject: "Trains are back", intro: "A week of rails.", status: "draft" });

    const page = await dashboardGet(writer, `/editor/digests/weekly-${period}?notice=existed`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("This digest existed already");
    expect(html).toContain("The night trains return");
    expect(html).toContain("A week of rails.");
    const list = await (await dashboardGet(writer, "/editor/digests")).text();
    expect(list).toContain(`href="/editor/digests/weekly-${period}"`);
    expect(list).toContain('<a href="/editor/digests" aria-current="page">Digests</a>');

    const created = (await audit()).filter((entry) => entry.action === "POST /editor/digests" && entry.who === TEST_EDITORS.editor);
    expect(created.length).toBeGreaterThanOrEqual(2);
    expect(created.every((entry) => entry.via === "dashboard" && entry.status === 303)).toBe(true);
  });

  it("previews the free and patron copies and a subscriber's, in sandboxed frames only our pages may show; links act on nobody", async () => {
    const id = await createThroughForm({ frequency: "daily", period: uniquePeriod("daily") });
    const page = await (await dashboardGet(writer, `/editor/digests/${id}`)).text();
    for (const variant of ["free", "patron"]) {
      expect(page).toContain(`src="/editor/digests/${id}/preview?variant=${variant}&amp;language=en"`);
      const preview = await dashboardGet(writer, `/editor/digests/${id}/preview?variant=${variant}`);
      expect(preview.status).toBe(200);
      expect(preview.headers.get("content-security-policy")).toMatch(/frame-ancestors 'self'/);
      expect(preview.headers.get("content-security-policy")).toMatch(/script-src 'none'/);
      const html = await preview.text();
      expect(html).toContain("The night trains return");
      expect(html).not.toMatch(/token=/);
      expect(html).toContain(Digests.PREVIEW_LINK_PATH);
    }
    expect(page.match(/<iframe [^>]*sandbox=""/g)).toHaveLength(4);
    // Every other page may be framed by nobody.
    expect((await dashboardGet(writer, `/editor/digests/${id}`)).headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);

    const reader = await saveSubscriber({ frequency: "daily", email: uniqueEmail("previewed"), name: "Olena" });
    const theirs = await dashboardGet(writer, `/editor/digests/${id}?email=${encodeURIComponent(reader.email)}`);
    expect(theirs.status).toBe(200);
    const theirPage = await theirs.text();
    expect(theirPage).toContain(`src="/editor/digests/${id}/preview?email=${encodeURIComponent(reader.email)}"`);
    expect(theirPage.match(/<iframe [^>]*sandbox=""/g)).toHaveLength(6);
    const copy = await dashboardGet(writer, `/editor/digests/${id}/preview?email=${encodeURIComponent(reader.email)}`);
    expect(copy.status).toBe(200);
    expect(await copy.text()).not.toMatch(/token=/);
    const reads = (await audit()).filter((entry) => entry.target === `id=${id} person:${Editors.targetHash(reader.email)}`);
    expect(reads.map((entry) => entry.action).sort()).toEqual(["GET /editor/digests/:id (a subscriber's copy)", "GET /editor/digests/:id/preview"]);
    expect(reads.every((entry) => entry.who === TEST_EDITORS.editor && entry.via === "dashboard" && entry.status === 200)).toBe(true);
    expect(JSON.stringify(await audit())).not.toContain(reader.email);

    // A subscriber with nothing to read in it: their frame says so (a page our frame may show), not an error page.
    const elsewhere = await saveSubscriber({ frequency: "daily", topics: ["dash-elsewhere"], email: uniqueEmail("elsewhere") });
    const none = await dashboardGet(writer, `/editor/digests/${id}/preview?email=${encodeURIComponent(elsewhere.email)}`);
    expect(none.status).toBe(404);
    expect(none.headers.get("content-security-policy")).toMatch(/frame-ancestors 'self'/);
    expect(await none.text()).toContain("This reader would get no email");

    const unknown = await dashboardGet(writer, `/editor/digests/${id}?email=nobody-${Date.now()}@example.com`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("No subscriber has this address.");
    expect((await dashboardGet(writer, `/editor/digests/${id}/preview?email=nobody@example.com`)).status).toBe(404);
    expect((await dashboardGet(writer, "/editor/digests/weekly-2999-W01")).status).toBe(404);
  });

  it("speaks Ukrainian where the browser asks for it: the list, a digest's page, its previews in either language, the confirm step", async () => {
    const id = await createThroughForm({ frequency: "daily", period: uniquePeriod("daily"), subject: "Trains return", "subject-uk": "Потяги повертаються", "intro-uk": "Тиждень залізниці." });
    // The form gives each other language a subject and intro of its own.
    expect(await Db.Digests.get(id)).toMatchObject({ subject: "Trains return", translations: { uk: { subject: "Потяги повертаються", intro: "Тиждень залізниці." } } });
    const uk = (path: string) => request(path, { headers: { cookie: `tidings_editor=${writer}`, "accept-language": "uk" } });

    const list = await uk("/editor/digests");
    expect(list.headers.get("content-language")).toBe("uk");
    const listed = await list.text();
    expect(listed).toContain('<html lang="uk">');
    expect(listed).toContain('name="subject-uk" lang="uk"');
    for (const text of ["<h1>Дайджести</h1>", "Створити дайджест", "Період (необов", "Чернетка"]) expect(listed).toContain(text);

    const page = await (await uk(`/editor/digests/${id}`)).text();
    expect(page).toContain('<html lang="uk">');
    for (const text of ["Щоденний дайджест", "чернетка", "Тема (українська): Потяги повертаються", "<h2>Статті</h2>", "Попередній перегляд", "Надіслати тестові примірники", "Надіслати підписникам…"]) {
      expect(page).toContain(text);
    }
    expect(page).not.toMatch(/Free reader|Send a test|Previews</);
    // The free and patron copies previewed in the page's language, with a link to each language.
    for (const variant of ["free", "patron"]) expect(page).toContain(`src="/editor/digests/${id}/preview?variant=${variant}&amp;language=uk"`);
    expect(page).toContain(`href="/editor/digests/${id}?language=en#previews"`);
    const inEnglish = await (await uk(`/editor/digests/${id}?language=en`)).text();
    expect(inEnglish).toContain(`src="/editor/digests/${id}/preview?variant=free&amp;language=en"`);
    expect(inEnglish).toContain('<html lang="uk">');
    // Each frame's copy is the one readers of that language get.
    for (const language of ["en", "uk"]) {
      const copy = await dashboardGet(writer, `/editor/digests/${id}/preview?variant=free&language=${language}`);
      expect(copy.status).toBe(200);
      expect(await copy.text()).toMatch(new RegExp(`<html lang="${language}"`));
    }

    const unknown = await uk(`/editor/digests/${id}?email=nobody-${Date.now()}@example.com`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("Немає підписника з такою адресою.");
    // …and inside a frame, which says it itself.
    const frame = await uk(`/editor/digests/${id}/preview?email=nobody-${Date.now()}@example.com`);
    expect(frame.status).toBe(404);
    expect(await frame.text()).toMatch(/<html lang="uk">.*Немає підписника з такою адресою\./s);

    const confirm = await (await uk(`/editor/digests/${id}/send`)).text();
    expect(confirm).toContain("Надіслати цей дайджест?");
    expect(confirm).toMatch(/«Trains return» \(щоденний [^,]+, \d+ (стаття|статті|статей)\)/);
    expect(confirm).toContain("Так, надіслати зараз");
  });

  it("sends [TEST] copies to given addresses, audited by keyed hashes", async () => {
    const id = await createThroughForm({ frequency: "daily", period: uniquePeriod("daily"), subject: "Test me" });
    const [one, two] = [uniqueEmail("test-one"), uniqueEmail("test-two")];
    const sent = await dashboardPost(writer, `/editor/digests/${id}/test`, { to: `${one},\n ${two}`, copy: "patron" });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe(`/editor/digests/${id}?notice=tested&count=2`);
    for (const address of [one, two]) {
      const mail = await mailTo(address);
      expect(mail).toHaveLength(1);
      expect(mail[0]!.subject).toBe("[TEST] Test me");
    }
    expect(await (await dashboardGet(writer, sent.headers.get("location")!)).text()).toContain("Test copies sent to 2 addresses.");
    const entry = (await audit()).find((e) => e.action === "POST /editor/digests/:id/test" && e.target?.includes(id));
    expect(entry?.target).toBe(`id=${id} person:${Editors.targetHash(one)} person:${Editors.targetHash(two)}`);
    expect((await Db.Digests.get(id))!.status).toBe("draft");

    // One subscriber's copy, as they would get it, to an editor's address; the subscriber is named by hash too.
    const reader = await saveSubscriber({ frequency: "daily", email: uniqueEmail("their-copy") });
    const three = uniqueEmail("test-three");
    const theirs = await dashboardPost(writer, `/editor/digests/${id}/test`, { to: three, copy: "subscriber", email: reader.email });
    expect(theirs.status).toBe(303);
    expect((await mailTo(three))[0]!.subject).toBe("[TEST] Test me");
    expect(await mailTo(reader.email)).toHaveLength(0);
    const audited = (await audit()).find((e) => e.target?.includes(Editors.targetHash(three)));
    expect(audited?.target).toBe(`id=${id} copy-of:person:${Editors.targetHash(reader.email)} person:${Editors.targetHash(three)}`);
    expect((await dashboardPost(writer, `/editor/digests/${id}/test`, { to: three, copy: "subscriber" })).status).toBe(400);
  });

  it("refuses bad input with a 4xx page that says why, changing nothing", async () => {
    const id = await createThroughForm({ frequency: "weekly", period: uniquePeriod("weekly") });
    const before = (await Digests.list({ limit: 100 })).digests.length;
    const entriesBefore = (await audit()).length;
    const cases: Array<[string, Record<string, string>, number, RegExp]> = [
      ["/editor/digests", { frequency: "monthly" }, 400, /needs correcting/],
      ["/editor/digests", { frequency: "weekly", period: "2026-W60" }, 400, /an ISO week, 2026-W48/],
      ["/editor/digests", { frequency: "daily", period: "yesterday" }, 400, /an ISO date, 2026-11-30/],
      ["/editor/digests", { frequency: "weekly", subject: "=?utf-8?q?x?=" }, 400, /MIME encoded words/],
      ["/editor/digests", { frequency: "weekly", period: uniquePeriod("weekly"), "subject-uk": "=?utf-8?q?x?=" }, 400, /MIME encoded words/],
      [`/editor/digests/${id}/test`, { to: "" }, 400, /at least one address/],
      [`/editor/digests/${id}/test`, { to: "not-an-address" }, 400, /needs correcting/],
      [`/editor/digests/${id}/test`, { to: Array.from({ length: 11 }, (_, i) => `many${i}@example.com`).join(",") }, 400, /at most 10/],
      [`/editor/digests/${id}/send`, {}, 400, /needs correcting/],
      [`/editor/digests/${id}/send`, { confirm: "yes" }, 400, /needs correcting/],
    ];
    for (const [path, fields, status, says] of cases) {
      const response = await dashboardPost(writer, path, fields);
      expect(response.status, `${path} ${JSON.stringify(fields)}`).toBe(status);
      expect(await response.text()).toMatch(says);
    }
    expect((await Digests.list({ limit: 100 })).digests.length).toBe(before);
    expect((await Db.Digests.get(id))!.status).toBe("draft");
    expect(await mailTo("many0@example.com")).toHaveLength(0);
    expect((await audit()).length).toBe(entriesBefore); // refusals are no actions

    // The 21st test send of an hour (an editor's own count) is refused and sends nothing.
    const admin = await dashboardCookie("admin");
    for (let i = 0; i < Digests.TEST_SENDS.perEditor; i++) {
      expect((await dashboardPost(admin, `/editor/digests/${id}/test`, { to: uniqueEmail("hourly") })).status).toBe(303);
    }
    const last = uniqueEmail("one-too-many");
    const refused = await dashboardPost(admin, `/editor/digests/${id}/test`, { to: last });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await mailTo(last)).toHaveLength(0);
  });

  it("shows a hostile subject and intro as text, in its pages and its copies", async () => {
    const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`;
    const id = await createThroughForm({ frequency: "daily", period: uniquePeriod("daily"), subject: hostile, intro: hostile });
    for (const path of ["/editor/digests", `/editor/digests/${id}`, `/editor/digests/${id}/send`, `/editor/digests/${id}/preview?variant=free`]) {
      const html = await (await dashboardGet(writer, path)).text();
      expect(html, path).not.toContain("<script>alert(1)");
      expect(html, path).not.toContain("<img src=x");
      expect(html, path).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
  });

  it("refuses a POST from another site (403), whatever the cookie", async () => {
    const period = uniquePeriod("weekly");
    const response = await request("/editor/digests", {
      method: "POST",
      headers: { cookie: `tidings_editor=${writer}`, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ frequency: "weekly", period }),
    });
    expect(response.status).toBe(403);
    expect(await Db.Digests.get(`weekly-${period}`)).toBeUndefined();
  });

  it("sends after a confirm step, shows progress while sending (refreshing itself), until sent; deliveries by status, a page at a time", async () => {
    await createSubscribers(55, () => ({ frequency: "weekly" }));
    const elsewhere = await saveSubscriber({ frequency: "weekly", topics: ["dash-other"], email: uniqueEmail("elsewhere") });
    const id = await createThroughForm({ frequency: "weekly", period: uniquePeriod("weekly"), subject: "Off it goes" });

    const confirm = await dashboardGet(writer, `/editor/digests/${id}/send`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain("Yes, send it now");
    expect((await Db.Digests.get(id))!.status).toBe("draft"); // the confirm step changes nothing

    const sent = await dashboardPost(writer, `/editor/digests/${id}/send`, { confirm: "send" });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe(`/editor/digests/${id}?notice=sending`);
    const sending = await dashboardGet(writer, `/editor/digests/${id}`);
    const html = await sending.text();
    expect(html).toMatch(new RegExp(`<noscript><meta http-equiv="refresh" content="5; url=/editor/digests/${id}\\?at=\\d+&amp;done=\\d+"></noscript>`));
    expect(html).toContain('<script src="/editor/digest-progress.js"');
    expect(html).toContain("Sending");
    expect(sending.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    expect(sending.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    const progress = await dashboardGet(writer, `/editor/digests/${id}/progress`);
    expect(progress.status).toBe(200);
    expect(await progress.json()).toMatchObject({ status: "sending", text: { perSecond: expect.any(String), secondsLeft: expect.any(String) } });
    const script = await dashboardGet(writer, "/editor/digest-progress.js");
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);

    await sendAll();
    const progressed = await dashboardGet(writer, `/editor/digests/${id}/progress?at=${Date.now() - 2000}&done=0`);
    const measured = (await progressed.json()) as { status: string; counts: { sent: number }; perSecond?: number };
    expect(measured).toMatchObject({ status: "sent" });
    expect(measured.counts.sent).toBeGreaterThanOrEqual(55);
    expect(measured.perSecond).toBeGreaterThan(0); // measured against the reading 2 s before
    const done = await (await dashboardGet(writer, `/editor/digests/${id}`)).text();
    expect(done).not.toContain('http-equiv="refresh"');
    expect(done).not.toContain("<script");
    expect(done).toMatch(/Sent, finished/);
    expect(done).toContain("Off it goes");

    // Deliveries by status: sent ones a page of 50 at a time; the subscriber with nothing to read, skipped.
    const firstPage = await (await dashboardGet(writer, `/editor/digests/${id}?status=sent`)).text();
    expect(firstPage.match(/<strong>sent<\/strong>/g)).toHaveLength(50);
    const next = /href="(\/editor\/digests\/[^"]+cursor=[^"]+)">Next deliveries/.exec(firstPage)![1]!.replace(/&amp;/g, "&");
    const secondPage = await (await dashboardGet(writer, next)).text();
    expect(secondPage.match(/<strong>sent<\/strong>/g)!.length).toBe(measured.counts.sent - 50);
    const skipped = await (await dashboardGet(writer, `/editor/digests/${id}?status=skipped`)).text();
    expect(skipped).toContain(elsewhere.email);
    expect(await mailTo(elsewhere.email)).toHaveLength(0);
    expect((await audit()).some((e) => e.action === "POST /editor/digests/:id/send" && e.target === `id=${id}` && e.who === TEST_EDITORS.editor)).toBe(true);
    expect((await dashboardGet(writer, `/editor/digests/${id}/send`)).status).toBe(409);
  });

  it("cancels a digest being sent: nothing more goes out; a paused one says why", async () => {
    const reader = await saveSubscriber({ frequency: "daily", email: uniqueEmail("cancelled") });
    const id = await createThroughForm({ frequency: "daily", period: uniquePeriod("daily"), subject: "Never mind" });
    expect((await dashboardPost(writer, `/editor/digests/${id}/send`, { confirm: "send" })).status).toBe(303);
    const cancelled = await dashboardPost(writer, `/editor/digests/${id}/cancel`);
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.get("location")).toBe(`/editor/digests/${id}?notice=cancelled`);
    await sendAll();
    const page = await (await dashboardGet(writer, cancelled.headers.get("location")!)).text();
    expect(page).toContain("Cancelled: nothing more will be sent.");
    expect(page).not.toContain('http-equiv="refresh"');
    expect((await mailTo(reader.email)).filter((mail) => mail.subject === "Never mind")).toHaveLength(0);
    expect((await dashboardPost(writer, `/editor/digests/${id}/send`, { confirm: "send" })).status).toBe(409);
    expect((await audit()).some((e) => e.action === "POST /editor/digests/:id/cancel" && e.target === `id=${id}`)).toBe(true);

    const paused = await saveDigest({ status: "paused", pauseReason: "the bounce rate passed 5%", sendStartedAt: new Date().toISOString() });
    const pausedPage = await (await dashboardGet(writer, `/editor/digests/${paused.id}`)).text();
    expect(pausedPage).toContain("Paused: <span data-field=\"pauseReason\">the bounce rate passed 5%</span>");
    expect(pausedPage).toContain("Resume sending");
  });
});
