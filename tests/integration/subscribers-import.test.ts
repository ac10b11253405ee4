/**
 * `POST /api/subscribers/import` and `GET /api/subscribers/export` against the real local stack: editors only,
 * text/csv only, whole-file problems refused before anything is written, bad lines reported by line number,
 * existing subscribers updated and never duplicated (unsubscribed ones left alone), no email sent; a 10,000-line
 * file with bad lines imports, and importing it again (or twice at once) changes no count; the export's file (from
 * its download link) imports back.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import * as Db from "../../core/db";
import { EDITOR_TOKEN, editor, publish } from "../helpers/editor";
import { download, exportLink } from "../helpers/exports";
import { saveSubscriber } from "../helpers/factories";
import { request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { random } from "../helpers/random";

useLocalStack();
/** The big import's size (IMPORT_LINES=1000 for a quick run while developing). */
const LINES = Number(process.env.IMPORT_LINES ?? 10_000);

beforeAll(async () => {
  await publish({ "im-climate": "Climate", "im-housing": "Housing" }, []);
});

const upload = (csv: string | Uint8Array, type = "text/csv; charset=utf-8", token = EDITOR_TOKEN) =>
  request("/api/subscribers/import", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": type }, body: csv });

async function imported(csv: string) {
  const response = await upload(csv);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as {
    imported: number;
    created: number;
    updated: number;
    unchanged: number;
    skipped: number;
    skips: Array<{ line: number; message: string }>;
    errors: Array<{ line: number; message: string }>;
  };
}

const total = async () => {
  const { subscribers } = (await (await editor("GET", "/api/stats")).json()) as { subscribers: { total: number; byStatus: Record<string, number> } };
  return subscribers;
};

describe("what the import refuses", () => {
  it("answers 401 without an editor token, 415 for anything but UTF-8 text/csv, 400 for a header it can't import; nothing is written", async () => {
    const before = await total();
    const csv = `email,consented_at\n${uniqueEmail("refused")},2025-01-01\n`;
    expect((await upload(csv, "text/csv", "not-a-token")).status).toBe(401);
    expect((await request("/api/subscribers/import", { method: "POST", headers: { "content-type": "text/csv" }, body: csv })).status).toBe(401);
    for (const type of ["application/json", "text/plain", "text/csv; charset=iso-8859-1", "multipart/form-data; boundary=x"]) {
      const response = await upload(csv, type);
      expect([type, response.status, ((await response.json()) as any).error.code]).toEqual([type, 415, "unsupported_media_type"]);
    }
    const headers: Array<[string, RegExp]> = [
      ["", /empty/],
      ["email,name\nsomeone@example.com,Someone\n", /missing column\(s\): consented_at/],
      ["email,consented_at,topic\nsomeone@example.com,2025-01-01,x\n", /unknown column\(s\): topic/],
      ["email,email,consented_at\n", /repeated column/],
    ];
    for (const [text, message] of headers) {
      const response = await upload(text);
      const body = (await response.json()) as any;
      expect(response.status).toBe(400);
      expect(JSON.stringify(body.error)).toMatch(message);
    }
    expect(await total()).toEqual(before);
  });

  it("answers 413 past the body limit, before reading it", async () => {
    const line = `${"x".repeat(60)}@example.com,2025-01-01\n`;
    const big = `email,consented_at\n${line.repeat(Math.ceil((4 * 1024 * 1024) / line.length) + 10)}`;
    const response = await upload(big);
    expect(response.status).toBe(413);
  });
});

describe("importing lines", () => {
  it("reports each bad line by number, imports the rest as active with the file's consent, sends no email, and respects existing choices", async () => {
    const unsubscribed = await saveSubscriber({ status: "unsubscribed", name: "Left" });
    const active = await saveSubscriber({ name: "Old name", topics: ["im-housing"] });
    const pending = await saveSubscriber({ status: "pending", confirmedAt: undefined, consent: undefined, expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    const [a, b, c] = [uniqueEmail("im-a"), uniqueEmail("im-b"), uniqueEmail("im-c")];
    const csv = [
      "Email,Name,Topics,Frequency,Consented_At", // 1: any case, any order
      `${a.toUpperCase()},Ann,im-climate|im-housing,daily,2024-03-01`, // 2
      "not-an-address,Bad,,weekly,2024-03-01", // 3
      `${uniqueEmail("im-x")},X,im-nowhere,weekly,2024-03-01`, // 4: unknown topic
      `${uniqueEmail("im-y")},Y,,hourly,2024-03-01`, // 5: bad frequency
      `${uniqueEmail("im-z")},Z,,weekly,2999-01-01`, // 6: in the future
      `${b},"Bo ""B""`, // 7: a quoted name over two lines (a line break is no name)
      `Second line",,weekly,2024-03-02T10:00:00Z`, // 8
      `${uniqueEmail("im-w")},W,,weekly,2024-03-01,extra`, // 9: a field too many
      "", // 10: empty, ignored
      `${a},Ann again,,,2024-03-01`, // 11: the same address as line 2
      `${unsubscribed.email},Back,,,2024-03-01`, // 12: unsubscribed here: left alone
      `${active.email},New name,,,2020-01-01`, // 13: updated, their own consent kept
      `${pending.email},,,,2024-03-01`, // 14: pending → active
      `${c},,,,`, // 15: no consent date
      `${uniqueEmail("im-v")},"never closed,,weekly,2024-03-01`, // 16: an unclosed quote
      `${uniqueEmail("im-u")},Unread,,weekly,2024-03-01`, // 17: swallowed by it
    ].join("\r\n");
    const report = await imported(csv);

    expect(report.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 9, 15, 16]);
    expect(report.errors.find((e) => e.line === 7)?.message).toMatch(/^name: must not contain control characters/);
    expect(report.errors.find((e) => e.line === 4)?.message).toMatch(/no such topic: im-nowhere/);
    expect(report.errors.find((e) => e.line === 5)?.message).toMatch(/frequency/);
    expect(report.errors.find((e) => e.line === 16)?.message).toMatch(/quote/i);
    expect(report.skips).toEqual([
      { line: 11, message: "the same address as line 2" },
      { line: 12, message: expect.stringMatching(/^unsubscribed here/) },
    ]);
    expect(report).toMatchObject({ imported: 3, created: 1, updated: 2, unchanged: 0, skipped: 2 });

    const ann = (await Db.Subscribers.getByEmail(a.toLowerCase()))!;
    expect(ann).toMatchObject({ name: "Ann", status: "active", topics: ["im-climate", "im-housing"], frequency: "daily" });
    expect(ann.consent).toMatchObject({ source: "import", confirmedAt: "2024-03-01T00:00:00.000Z", importedBy: "editor" });
    expect(await Db.Subscribers.getByEmail(b)).toBeUndefined();
    expect(await Db.Subscribers.get(unsubscribed.id)).toMatchObject({ status: "unsubscribed", name: "Left" });
    const updated = (await Db.Subscribers.get(active.id))!;
    expect(updated).toMatchObject({ name: "New name", topics: ["im-housing"], consent: active.consent });
    expect(await Db.Subscribers.get(pending.id)).toMatchObject({ status: "active", consent: { source: "import" } });
    expect(await mailTo(a)).toHaveLength(0);
    expect(await mailTo(b)).toHaveLength(0);

    // The same file again: nothing changes.
    expect(await imported(csv)).toMatchObject({ imported: 3, created: 0, updated: 0, unchanged: 3 });
  });

  it("imports 10,000 lines with bad ones reported; again, and twice at once, changes no count", async () => {
    const rng = random(7);
    const lines = ["email,name,topics,frequency,consented_at"];
    const bad: number[] = [];
    const emails: string[] = [];
    for (let i = 0; i < LINES; i++) {
      const line = i + 2;
      if (rng.chance(0.01)) {
        bad.push(line);
        lines.push(rng.chance(0.5) ? `bulk-${i}-at-example.com,N,,weekly,2024-01-01` : `bulk-${i}@example.com,N,,monthly,2024-01-01`);
        continue;
      }
      const email = `bulk-${i}-${rng.next().toString(36).slice(2, 7)}@example.com`;
      emails.push(email);
      lines.push(`${email},Reader ${i},${rng.pick(["", "im-climate", "im-climate|im-housing"])},${rng.pick(["daily", "weekly"])},2024-01-01`);
    }
    const csv = lines.join("\n");
    const before = await total();

    const started = performance.now();
    const first = await imported(csv);
    const seconds = (performance.now() - started) / 1000;
    console.info(`imported ${emails.length} lines in ${seconds.toFixed(1)} s`);
    expect(first.errors.map((e) => e.line)).toEqual(bad);
    expect(first).toMatchObject({ imported: emails.length, created: emails.length, skipped: 0 });
    const counting = performance.now();
    expect((await total()).byStatus.active).toBe(before.byStatus.active! + emails.length);
    console.info(`GET /api/stats over ${before.total + emails.length} subscribers in ${((performance.now() - counting) / 1000).toFixed(2)} s`);

    const again = await Promise.all([imported(csv), imported(csv)]);
    for (const report of again) expect(report).toMatchObject({ imported: emails.length, created: 0, updated: 0, unchanged: emails.length });
    expect((await total()).byStatus.active).toBe(before.byStatus.active! + emails.length);
    const sample = emails.filter((_, i) => i % 997 === 0);
    for (const email of sample) expect((await Db.Subscribers.getByEmail(email))?.status).toBe("active");
  }, 900_000);

  it("creates each address once when two imports of the same new lines run at once", async () => {
    const emails = Array.from({ length: 300 }, (_, i) => uniqueEmail(`race-${i}`));
    const csv = `email,consented_at\n${emails.map((email) => `${email},2024-02-01`).join("\n")}`;
    const before = await total();
    const [one, two] = await Promise.all([imported(csv), imported(csv)]);
    expect(one.created + two.created).toBe(300);
    expect(one.imported).toBe(300);
    expect(two.imported).toBe(300);
    expect((await total()).total).toBe(before.total + 300);
  });
});

describe("GET /api/subscribers/export", () => {
  it("writes the list as CSV that imports back unchanged, with formulas defused and non-active lines skipped", async () => {
    const formula = await saveSubscriber({ name: '=HYPERLINK("https://evil.example","x")', topics: ["im-climate", "im-housing"] });
    const gone = await saveSubscriber({ status: "complained" });
    expect((await request("/api/subscribers/export")).status).toBe(401);
    const exporting = performance.now();
    const link = await exportLink();
    const file = await download(link.url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const csv = file.text;
    console.info(`exported ${csv.length} bytes of CSV in ${((performance.now() - exporting) / 1000).toFixed(2)} s`);
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    const stats = await total();
    expect(rows).toHaveLength(stats.total);
    expect(link.rows).toBe(stats.total);
    expect(rows.find((row) => row.email === formula.email)).toMatchObject({
      name: `'=HYPERLINK("https://evil.example","x")`,
      topics: "im-climate|im-housing",
      status: "active",
    });
    expect(rows.find((row) => row.email === gone.email)?.status).toBe("complained");

    const report = await imported(csv);
    const active = rows.filter((row) => row.status === "active").length;
    expect(report).toMatchObject({ imported: active, created: 0, updated: 0, unchanged: active, errors: [] });
    expect(report.skipped).toBe(rows.length - active);
    expect((await Db.Subscribers.get(formula.id))?.name).toBe(formula.name);
    expect(await total()).toEqual(stats);
  }, 120_000);
});
