/** Editors' exports: asking for one through the API, and downloading the file its link points at, over HTTP. */
import { expect } from "vitest";
import { exportCsv } from "../../core/subscribers/export-csv";
import type { Status } from "../../core/subscribers";
import { editor } from "./editor";

export interface ExportAnswer {
  url: string;
  expiresAt: string;
  rows: number;
}

/** `GET /api/subscribers/export` as an editor; expects the 303 and answers its JSON (and checks `Location`). */
export async function exportLink(query = ""): Promise<ExportAnswer> {
  const response = await editor("GET", `/api/subscribers/export${query}`);
  const text = await response.text();
  expect(response.status, text).toBe(303);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = JSON.parse(text) as ExportAnswer;
  expect(response.headers.get("location")).toBe(body.url);
  return body;
}

/** Fetches a download link as a browser or `curl -L` would, without any credential of ours. */
export async function download(url: string): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The CSV the export generator gives for the current table, read directly: what the API used to stream. */
export async function csvNow(status?: Status): Promise<string> {
  let csv = "";
  for await (const chunk of exportCsv(status)) csv += chunk;
  return csv;
}
