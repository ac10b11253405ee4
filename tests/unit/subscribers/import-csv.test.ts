/**
 * Reading an import file, without the network: line numbers as an editor's spreadsheet shows them (a BOM, CRLF,
 * blank lines and quoted line breaks included), the export's columns accepted, formulas taken off again.
 */
import { describe, expect, it } from "vitest";
import { defuse, parseImport, undefuse } from "../../../core/subscribers/import-csv";

describe("parseImport", () => {
  it("numbers lines as the file has them, through a BOM, CRLF, blank lines and a quoted line break", async () => {
    const text = [
      "\uFEFFEMAIL , consented_at,Name", // 1
      "one@example.com,2024-01-01,One", // 2
      "", // 3
      '"two@example.com","2024-01-02","Two, with a comma"', // 4
      '"broken@example.com",2024-01-01,"a name', // 5
      'over two lines"', // 6
      "   ", // 7
      "THREE@Example.com,2024-01-03T12:00:00+02:00,", // 8
    ].join("\r\n");
    const { rows, errors, skips } = await parseImport(text);
    expect(rows).toEqual([
      { line: 2, email: "one@example.com", name: "One", consentedAt: "2024-01-01T00:00:00.000Z" },
      { line: 4, email: "two@example.com", name: "Two, with a comma", consentedAt: "2024-01-02T00:00:00.000Z" },
      { line: 8, email: "three@example.com", consentedAt: "2024-01-03T10:00:00.000Z" },
    ]);
    expect(errors).toEqual([{ line: 5, message: expect.stringMatching(/^name: /) }]);
    expect(skips).toEqual([]);
  });

  it("reads the export's columns: only active lines are imported, the others are skipped with their status", async () => {
    const text = "email,name,topics,frequency,consented_at,status,consent_source,created_at\n" +
      "a@example.com,,x|y,daily,2024-01-01,active,import,2024-01-01T00:00:00Z\n" +
      "b@example.com,,,weekly,2024-01-01,unsubscribed,api,2024-01-01T00:00:00Z\n" +
      "c@example.com,,,weekly,2024-01-01,member,api,2024-01-01T00:00:00Z\n";
    const { rows, errors, skips } = await parseImport(text);
    expect(rows).toEqual([{ line: 2, email: "a@example.com", topics: ["x", "y"], frequency: "daily", consentedAt: "2024-01-01T00:00:00.000Z" }]);
    expect(errors).toEqual([]);
    expect(skips).toEqual([
      { line: 3, message: "unsubscribed in the file: not imported" },
      { line: 4, message: 'unknown status "member"' },
    ]);
  });

  it("takes a defused formula back to the name it was", async () => {
    for (const name of ["=1+2", "+cmd", "-x", "@SUM(A1)", "Plain", "'quoted"]) expect(undefuse(defuse(name))).toBe(name);
    expect(defuse("=1+2")).toBe("'=1+2");
    const { rows } = await parseImport(`email,consented_at,name\na@example.com,2024-01-01,"'=HYPERLINK(""x"")"\n`);
    expect(rows[0]?.name).toBe('=HYPERLINK("x")');
  });
});
