import * as Tokens from "../tokens";
import { VisibleError } from "../errors";
import { log } from "../log";
import { activated } from "./activate";
import { mutate } from "./mutate";
import { sendWelcome } from "./notify";
import { LIMITS } from "./rules";
import type { Subscriber } from "./types";

const expired = () =>
  new VisibleError("invalid", "expired_token", "This confirmation link has expired. Please sign up again.");

/**
 * Confirms a sign-up from the confirmation link's POST: the opt-in becomes the subscription (`active`, its topics,
 * frequency and name, the consent record with its confirmation time) and a welcome email follows. Confirming
 * again is harmless: it answers `alreadyActive` and sends nothing.
 */
export async function confirm(token: string, now = new Date()): Promise<{ subscriber: Subscriber; alreadyActive: boolean }> {
  const { subject } = Tokens.verify(token, "confirm", now);
  const at = now.toISOString();
  const { before, after, written } = await mutate(subject, (current) => {
    const optIn = current?.optIn;
    if (!current || current.status === "active" || !optIn) return undefined;
    if (now.getTime() - Date.parse(optIn.requestedAt) > LIMITS.pendingDays * 24 * 60 * 60 * 1000) return undefined;
    return activated(current, { ...optIn.consent, confirmedAt: at }, at);
  });
  if (!written) {
    if (before?.status === "active") return { subscriber: before, alreadyActive: true };
    throw expired();
  }
  await sendWelcome(after!).catch((error) => log.error({ err: error, event: "welcome.failed" }, "welcome email not sent"));
  return { subscriber: after!, alreadyActive: false };
}
