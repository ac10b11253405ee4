/**
 * The dashboard's subscribers (`product.md` → Editors' dashboard) against the real local stack: finding a
 * subscriber by exact address in any case (and a clear page for nobody); their record (status, consent, topics,
 * membership, deliveries, votes); and the admins' actions, each a form from our own pages answered 303: a comp, an
 * erasure only once the address is typed again (audited as a keyed hash, never the address), an import reporting
 * its bad line by number, an export whose link downloads the file. An editor who is not an admin reads but is
 * refused every action (403), as is a POST from another site; a refusal changes nothing.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { parse } from "csv-parse/sync";
import { pino } from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as Editors from "../../core/editors";
import { log } from "../../core/log";
import { dashboardCookie, dashboardGet, dashboardPost } from "../helpers/dashboard";
import { planDeliveries } from "../helpers/deliveries";
import { editor, publish } from "../helpers/editor";
import { download } from "../helpers/exports";
import { createDigest, saveSubscriber, signedIn } from "../helpers/factories";
import { request } from "../helpers/http";
import { TEST_EDITORS, useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";

const { tableName } = useLocalStack();

let admin: string;
let writer: string;
const origin = () => new URL(process.env.PUBLIC_URL!).origin;
const record = (email: string) => `/editor/subscribers/${encodeURIComponent(email)}`;

beforeAll(async () => {
  await publish({ "es-climate": "Climate", "es-housing": "Housing" }, []);
  expect((await editor("PUT", "/api/topics/es-climate", { title: "Climate", status: "open" })).status).toBe(200);
  [admin, writer] = await Promise.all([dashboardCookie("admin"), dashboardCookie("editor")]);
});

/** Every item of the table, keyed, for "nothing changed" (the audit log and rate-limit counters aside). */
async function table(): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await Db.db().send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      if (item.entity === "audit" || item.entity === "rate-limit") continue;
      items.set(`${item.pk}|${item.sk}`, JSON.stringify(item, Object.keys(item).sort()));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** This month's audit entries. */
async function audit() {
  return (await Editors.Audit.list(new Date().toISOString().slice(0, 7))).entries;
}

/** A multipart form POST of a CSV file to the import, as the upload form sends it. */
function upload(cookie: string, csv: string, from = origin()) {
  const body = new FormData();
  body.append("file", new File([csv], "list.csv", { type: "text/csv" }));
  return request("/editor/subscribers/import", { method: "POST", headers: { cookie: `tidings_editor=${cookie}`, origin: from }, body });
}

describe("finding a subscriber", () => {
  it("goes from an exact address, in any case, to the record; nobody gets a clear page; not an address is refused", async () => {
    const reader = await saveSubscriber({ email: uniqueEmail("findme"), topics: ["es-climate"] });
    const found = await dashboardGet(writer, `/editor/subscribers?email=${encodeURIComponent(`  ${reader.email.toUpperCase()} `)}`);
    expect(found.status).toBe(303);
    expect(found.headers.get("location")).toBe(record(reader.email));

    const page = await dashboardGet(writer, found.headers.get("location")!);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain(`<h1>${reader.email}</h1>`);
    expect(html).toContain("es-climate");
    expect(html).toMatch(/Status<\/th><td>active/);

    const nobody = await dashboardGet(writer, record(uniqueEmail("nobody")));
    expect(nobody.status).toBe(404);
    expect(await nobody.text()).toContain("No subscriber has the address");
    // A prefix is not an address: no partial matches, no listing.
    const prefix = await dashboardGet(writer, `/editor/subscribers?email=${encodeURIComponent(reader.email.slice(0, 6))}`);
    expect(prefix.status).toBe(400);
    expect(await prefix.text()).toContain("This is not an email address.");
    expect((await dashboardGet(writer, "/editor/subscribers")).status).toBe(200);
    expect((await request("/editor/subscribers")).headers.get("location")).toBe("/editor/login");
  });
});

describe("a subscriber's record", () => {
  it("shows status, consent, topics and frequency, membership, deliveries and votes", async () => {
    const email = uniqueEmail("record");
    const reader = await saveSubscriber({
      email,
      name: "Olena <b>Record</b>",
      topics: ["es-climate", "es-housing"],
      frequency: "daily",
      consent: { requestedAt: "2026-01-02T03:04:05.000Z", confirmedAt: "2026-01-02T03:10:00.000Z", source: "form", textVersion: "v3", ipHash: "h" },
    });
    // A comp from the dashboard makes them a patron, who may vote.
    const comp = await dashboardPost(admin, `${record(email)}/comp`, { tier: "coffee", until: "2030-06-30" });
    expect(comp.status).toBe(303);
    expect(comp.headers.get("location")).toBe(`${record(email)}?done=comp`);
    const patron = await signedIn(reader.id);
    expect((await patron.post("/api/topics/es-climate/vote")).status).toBe(200);
    const digest = await createDigest();
    const at = new Date().toISOString();
    await planDeliveries([{ digestId: digest.id, subscriberId: reader.id, email, status: "sent", variant: "patron", attempts: 1, createdAt: at, updatedAt: at }]);

    const html = await (await dashboardGet(writer, `${record(email)}?done=comp`)).text();
    expect(html).toContain("The membership is granted.");
    expect(html).toContain("Olena &lt;b&gt;Record&lt;/b&gt;");
    expect(html).toMatch(/Status<\/th><td>active/);
    expect(html).toMatch(/How often<\/th><td>daily/);
    expect(html).toContain("Climate (es-climate), Housing (es-housing)");
    expect(html).toMatch(/Source<\/th><td>form/);
    expect(html).toMatch(/Consent text<\/th><td>v3/);
    expect(html).toMatch(/Status<\/th><td>comped/);
    expect(html).toMatch(/Comped until<\/th><td>30 Jun 2030/);
    expect(html).toContain(digest.id);
    expect(html).toContain("1 in all: 1 sent");
    expect(html).toMatch(/Climate: weight \d+/);
    // Reading the record is a read of their data: audited, by keyed hash only.
    const read = (await audit()).find((e) => e.action === "GET /editor/subscribers/:email" && e.target === `person:${Editors.targetHash(email)}`);
    expect(read).toMatchObject({ who: TEST_EDITORS.editor, via: "dashboard", status: 200 });
    expect(html).toContain("No contributions.");
    // An editor reads, and is told who acts.
    expect(html).toContain("Only admins grant memberships or erase a subscriber.");
    expect(html).not.toContain(`action="${record(email)}/comp"`);
    const asAdmin = await (await dashboardGet(admin, record(email))).text();
    expect(asAdmin).toContain(`action="${record(email)}/comp"`);
    expect(asAdmin).toContain(`href="${record(email)}/erase"`);

    const entry = (await audit()).find((e) => e.action === "POST /editor/subscribers/:email/comp");
    expect(entry).toMatchObject({ who: TEST_EDITORS.admin, via: "dashboard", target: `person:${Editors.targetHash(email)}`, status: 303 });
    expect((await Db.Patrons.get(reader.id))?.compedBy).toMatch(/^dashboard:/);
  });

  it("refuses a comp of no tier, of a past day, or for nobody, with a page, changing nothing", async () => {
    const reader = await saveSubscriber({ email: uniqueEmail("badcomp") });
    const before = await table();
    for (const [path, fields, status] of [
      [record(reader.email), { tier: "no-such-tier", until: "2030-01-01" }, 400],
      [record(reader.email), { tier: "coffee", until: "2001-01-01" }, 400],
      [record(reader.email), { tier: "coffee", until: "tomorrow" }, 400],
      [record(uniqueEmail("nobody")), { tier: "coffee", until: "2030-01-01" }, 404],
    ] as const) {
      const response = await dashboardPost(admin, `${path}/comp`, fields);
      expect([fields, response.status]).toEqual([fields, status]);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    }
    expect(await table()).toEqual(before);
  });
});

describe("erasing a subscriber", () => {
  it("asks for the address again; a wrong one erases nothing; the right one erases them, audited by hash only", async () => {
    const email = uniqueEmail("erase-me");
    const reader = await saveSubscriber({ email, name: "Erase Me Name", topics: ["es-climate"] });

    const confirm = await dashboardGet(admin, `${record(email)}/erase`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('name="confirm"');

    const before = await table();
    const attempts: Array<Record<string, string>> = [{}, { confirm: "" }, { confirm: uniqueEmail("someone-else") }, { confirm: email.slice(1) }];
    for (const typed of attempts) {
      const refused = await dashboardPost(admin, `${record(email)}/erase`, typed);
      expect([typed, refused.status]).toEqual([typed, 400]);
    }
    expect(await table()).toEqual(before);

    const erased = await dashboardPost(admin, `${record(email)}/erase`, { confirm: ` ${email.toUpperCase()} ` });
    expect(erased.status).toBe(303);
    expect(erased.headers.get("location")).toBe("/editor/subscribers?erased=1");
    expect(await (await dashboardGet(admin, "/editor/subscribers?erased=1")).text()).toContain("The subscriber was erased");

    // Gone, as the privacy tests check: nothing in the table names them, and the record is nobody's.
    const left = [...(await table()).values()].filter((item) => item.includes(email) || item.includes(reader.id) || item.includes("Erase Me Name"));
    expect(left).toEqual([]);
    expect((await dashboardGet(admin, record(email))).status).toBe(404);
    const entries = (await audit()).filter((e) => e.action === "POST /editor/subscribers/:email/erase");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ who: TEST_EDITORS.admin, target: `person:${Editors.targetHash(email)}`, status: 303 });
    expect(JSON.stringify(await audit())).not.toContain(email);
  });
});

describe("import and export", () => {
  it("imports an uploaded file, reporting its bad line by number and importing the rest", async () => {
    const [good, alsoGood] = [uniqueEmail("imported"), uniqueEmail("imported")];
    const csv = `email,name,topics,frequency,consented_at\n${good},Ada,es-climate,daily,2025-03-01\nnot-an-address,Bad,,weekly,2025-03-01\n${alsoGood},,,,2025-03-02\n`;
    const response = await upload(admin, csv);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("2 imported (2 new, 0 updated, 0 unchanged), 0 skipped, 1 with errors.");
    expect(html).toContain("<li>Line 3: email: must be a valid email address</li>");
    const imported = (await Db.Subscribers.getByEmail(good))!;
    expect(imported).toMatchObject({ status: "active", name: "Ada", topics: ["es-climate"], frequency: "daily" });
    expect(imported.consent).toMatchObject({ source: "import", importedBy: expect.stringMatching(/^dashboard:/) });
    expect(await Db.Subscribers.getByEmail(alsoGood)).toBeDefined();
    // The same file again changes nothing.
    expect(await (await upload(admin, csv)).text()).toContain("2 imported (0 new, 0 updated, 2 unchanged)");
    expect((await dashboardGet(admin, "/editor/subscribers/import")).status).toBe(200);
  });

  it("refuses an upload that is no file, empty, or past the import's size limit, changing nothing", async () => {
    const before = await table();
    expect((await dashboardPost(admin, "/editor/subscribers/import", { file: "email\nx@example.com" })).status).toBe(400);
    expect((await upload(admin, "")).status).toBe(400);
    expect((await upload(admin, `email,consented_at\n${"x".repeat(4 * 1024 * 1024)}`)).status).toBe(413);
    expect(await table()).toEqual(before);
  });

  it("exports the list: 303 to the export page, whose link downloads the CSV", async () => {
    const email = uniqueEmail("exported");
    await saveSubscriber({ email });
    const started = await dashboardPost(admin, "/editor/subscribers/export");
    expect(started.status).toBe(303);
    const location = started.headers.get("location")!;
    expect(location).toMatch(/^\/editor\/subscribers\/export\?file=[0-9A-Z]{26}-[0-9a-f]{32}&rows=\d+$/);
    const page = await (await dashboardGet(admin, location)).text();
    const link = /<a href="([^"]+)">download the CSV<\/a>/.exec(page)?.[1]?.replace(/&amp;/g, "&");
    expect(link).toBeDefined();
    const file = await download(link!);
    expect(file.status).toBe(200);
    const rows = parse(file.text, { columns: true }) as Array<{ email: string }>;
    expect(rows.map((row) => row.email)).toContain(email);
    expect(location).toContain(`rows=${rows.length}`);
    expect((await dashboardGet(admin, "/editor/subscribers/export?file=..%2F..%2Fsecret")).status).toBe(400);
  });
});

describe("refusals", () => {
  it("refuses an editor (not an admin) every admin action, and a POST from another site, changing nothing", async () => {
    const email = uniqueEmail("protected");
    await saveSubscriber({ email });
    const before = await table();
    const auditBefore = (await audit()).length;
    const posts: Array<[string, Record<string, string>]> = [
      [`${record(email)}/comp`, { tier: "coffee", until: "2030-01-01" }],
      [`${record(email)}/erase`, { confirm: email }],
      ["/editor/subscribers/export", {}],
    ];
    for (const [path, fields] of posts) {
      expect([path, (await dashboardPost(writer, path, fields)).status]).toEqual([path, 403]);
      const foreign = await request(path, {
        method: "POST",
        headers: { cookie: `tidings_editor=${admin}`, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields),
      });
      expect([path, "cross-site", foreign.status]).toEqual([path, "cross-site", 403]);
    }
    expect((await upload(writer, `email,consented_at\n${uniqueEmail("sneaky")},2025-01-01\n`)).status).toBe(403);
    expect((await upload(admin, `email,consented_at\n${uniqueEmail("sneaky")},2025-01-01\n`, "https://evil.example")).status).toBe(403);
    for (const path of [`${record(email)}/erase`, "/editor/subscribers/import", "/editor/subscribers/export"]) {
      expect([path, (await dashboardGet(writer, path)).status]).toEqual([path, 403]);
    }
    expect(await table()).toEqual(before);
    expect((await audit()).length).toBe(auditBefore);
  });
});

describe("hostile input behind the guard", () => {
  it("answers an admin's malformed requests with a 4xx page, never a 5xx, changing nothing", async () => {
    const email = uniqueEmail("hostile");
    await saveSubscriber({ email });
    const before = await table();
    const gets = [
      "/editor/subscribers?email=%00",
      `/editor/subscribers?email=${"a".repeat(2000)}`,
      "/editor/subscribers?email=a&email=b",
      "/editor/subscribers?erased=yes",
      "/editor/subscribers/%00..%2f",
      "/editor/subscribers/%E0%A4%A",
      `/editor/subscribers/${encodeURIComponent(email)}?done=%3Cscript%3E`,
      `/editor/subscribers/${"x".repeat(1200)}%40example.com`,
      "/editor/subscribers/not-an-address/erase",
      "/editor/subscribers/export?rows=-1&file=01ARZ3NDEKTSV4RRFFQ69G5FAV-00000000000000000000000000000000",
      "/editor/subscribers/export?file=%2e%2e%2fsecret",
    ];
    for (const path of gets) {
      const response = await dashboardGet(admin, path);
      expect([path, response.status >= 400 && response.status < 500]).toEqual([path, true]);
      expect(await response.text()).not.toContain("<script>");
    }
    const posts: Array<[string, Record<string, string | string[]>]> = [
      [`${record(email)}/comp`, { tier: "x".repeat(100), until: "2030-01-01" }],
      [`${record(email)}/comp`, { tier: ["coffee", "coffee"], until: "2030-01-01" }],
      [`${record(email)}/comp`, { tier: "coffee", until: "2030-02-31" }],
      [`${record(email)}/erase`, { confirm: "x".repeat(5000) }],
      ["/editor/subscribers/not-an-address/erase", { confirm: "not-an-address" }],
      ["/editor/subscribers/import", { file: "" }],
    ];
    for (const [path, fields] of posts) {
      const response = await dashboardPost(admin, path, fields);
      expect([path, fields, response.status >= 400 && response.status < 500]).toEqual([path, fields, true]);
    }
    const malformed = await request("/editor/subscribers/import", {
      method: "POST",
      headers: { cookie: `tidings_editor=${admin}`, origin: origin(), "content-type": "multipart/form-data; boundary=xyz" },
      body: "--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end",
    });
    expect(malformed.status).toBe(400);
    expect(await table()).toEqual(before);
  });
});

describe("logs", () => {
  it("never carry the subscriber's address, not even a failure's on the record's path", async () => {
    const stream = (log as unknown as Record<symbol, { write(chunk: string): boolean }>)[pino.symbols.streamSym]!;
    const [write, level] = [stream.write, log.level];
    const lines: string[] = [];
    stream.write = (chunk: string) => lines.push(String(chunk)) > 0;
    log.level = "debug";
    const email = uniqueEmail("logged");
    try {
      await saveSubscriber({ email });
      await dashboardGet(writer, `/editor/subscribers?email=${encodeURIComponent(email)}`);
      await dashboardGet(writer, record(email));
      await dashboardPost(admin, `${record(email)}/comp`, { tier: "coffee", until: "2030-01-01" });
      await upload(admin, `email,consented_at\n${email},2025-01-01\n`);
      await dashboardPost(admin, "/editor/subscribers/export");
      // A fault on the record's path (no table): logged, without the address in its path.
      const table = process.env.TABLE_NAME;
      process.env.TABLE_NAME = "no-such-table";
      Config.reset();
      try {
        expect((await dashboardGet(admin, record(email))).status).toBe(500);
      } finally {
        process.env.TABLE_NAME = table;
        Config.reset();
      }
      expect((await dashboardPost(admin, `${record(email)}/erase`, { confirm: email })).status).toBe(303);
    } finally {
      stream.write = write;
      log.level = level;
    }
    expect(lines.some((line) => line.includes("request failed") && line.includes("/editor/subscribers/[address]"))).toBe(true);
    const [local] = email.split("@");
    expect(lines.filter((line) => line.toLowerCase().includes(local!.toLowerCase()))).toEqual([]);
  });
});

describe("the subscribers' pages in Ukrainian", () => {
  const inUkrainian = (cookie: string, path: string) => request(path, { headers: { cookie: `tidings_editor=${cookie}`, "accept-language": "uk,en;q=0.5" } });

  it("speaks Ukrainian to an editor whose browser asks for it, and names the subscriber's own language", async () => {
    const search = await inUkrainian(admin, "/editor/subscribers");
    expect(search.status).toBe(200);
    expect(search.headers.get("content-language")).toBe("uk");
    const page = await search.text();
    expect(page).toContain('<html lang="uk"');
    expect(page).toContain("<h1>Підписники</h1>");
    expect(page).toContain("Імпортувати підписників із файлу CSV");
    expect(page).not.toContain("The whole list");

    const email = uniqueEmail("record-uk");
    const housing = { title: "Housing", status: "open", translations: { uk: { title: "Житло" } } };
    expect([200, 201]).toContain((await editor("PUT", "/api/topics/es-uk-housing", housing)).status);
    const consent = { requestedAt: "2026-01-02T03:04:05.000Z", source: "form", textVersion: "v3" };
    await saveSubscriber({ email, language: "uk", frequency: "weekly", topics: ["es-uk-housing"], consent });
    const html = await (await inUkrainian(writer, record(email))).text();
    expect(html).toContain('<html lang="uk"');
    expect(html).toMatch(/Статус<\/th><td>активний/);
    expect(html).toMatch(/Мова<\/th><td>українська/);
    expect(html).toMatch(/Як часто<\/th><td>щотижня/);
    expect(html).toMatch(/Теми<\/th><td>Житло \(es-uk-housing\)/);
    expect(html).toMatch(/Джерело<\/th><td>форма підписки/);
    expect(html).toContain("2 січ. 2026 р., 03:04 UTC");
    expect(html).toContain("Внесків немає.");
    expect(html).toContain("Надавати членство чи стирати підписника можуть лише адміністратори.");
    // In English, the same subscriber's language is named in English.
    expect(await (await dashboardGet(writer, record(email))).text()).toMatch(/Language<\/th><td>Ukrainian/);

    const nobody = await inUkrainian(writer, record(uniqueEmail("nobody-uk")));
    expect(nobody.status).toBe(404);
    expect(await nobody.text()).toContain("Немає підписника з адресою");
  });

  it("reports an import and offers the export in Ukrainian, with counts in words", async () => {
    const csv = `email,consented_at\n${uniqueEmail("uk-import")},2025-01-01\nnot-an-address,2025-01-01\n`;
    const body = new FormData();
    body.append("file", new File([csv], "list.csv", { type: "text/csv" }));
    const imported = await request("/editor/subscribers/import", {
      method: "POST",
      headers: { cookie: `tidings_editor=${admin}`, origin: origin(), "accept-language": "uk" },
      body,
    });
    expect(imported.status).toBe(200);
    const report = await imported.text();
    expect(report).toContain("Імпортовано: 1 (нових: 1, оновлено: 0, без змін: 0); пропущено: 0; з помилками: 1.");
    expect(report).toContain("Рядки з помилками (не імпортовано)");
    expect(report).toMatch(/<li>Рядок 3: /);

    const exportPage = await (await inUkrainian(admin, "/editor/subscribers/export")).text();
    expect(exportPage).toMatch(/Посилання для завантаження діє \d+ хвилин/);
    expect(exportPage).toContain(">Експортувати</button>");
  });
});
