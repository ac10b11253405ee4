/** Requests to the app in process (`app.request`), as if from a given client IP. */
import { randomInt } from "node:crypto";
import { app } from "../../functions/api/app";

/** A random client IP, so per-IP limits of one test never touch another's. */
export const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

export function request(path: string, init: RequestInit = {}, ip = "10.0.0.1") {
  return app.request(path, init, { incoming: { socket: { remoteAddress: ip } } });
}

export const postJson = (path: string, body: unknown, ip?: string) =>
  request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, ip);

export const postForm = (path: string, fields: Record<string, string | string[]>, ip?: string) => {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(key, one);
  return request(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body }, ip);
};
