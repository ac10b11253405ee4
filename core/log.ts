/**
 * Structured JSON logs (pino). Never log a secret, a token or a full email address: `maskEmail` keeps enough to
 * recognise a case ("r***@example.com") and no more.
 */
import { pino } from "pino";

export const log = pino({
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
  base: undefined,
  redact: { paths: ["token", "*.token", "email", "*.email", "authorization", "*.authorization"], censor: "[redacted]" },
});

export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}
