/**
 * The audit log: every editor action (who, what, when, on what), from the dashboard and from API tokens alike,
 * written once the action answered. Admins read it at `/editor/audit`. It names people only as keyed hashes
 * (`targetHash`), so erasing a reader leaves nothing of theirs here.
 *
 * An entry that cannot be written is tried again a few times. If it still fails: after a change (the action
 * happened; failing its answer would invite a retry that does it twice) the failure is logged loudly; for a read of
 * someone's data (`required`) it is thrown, so nobody reads a person's data unaudited.
 */
import * as Db from "../db";
import { log } from "../log";
import { targetHash } from "./targets";

export type AuditEntry = Db.Audit.AuditEntry;

const PAUSES_MS = [100, 500, 2_000];

export async function record(entry: Omit<AuditEntry, "at">, options: { required?: boolean; now?: Date } = {}): Promise<void> {
  const at = (options.now ?? new Date()).toISOString();
  for (let attempt = 0; ; attempt++) {
    try {
      await Db.Audit.put({ ...entry, at });
      return;
    } catch (error) {
      if (attempt < PAUSES_MS.length) {
        await new Promise((resolve) => setTimeout(resolve, PAUSES_MS[attempt]));
        continue;
      }
      log.error({ err: error, event: "editor.audit_failed", who: entry.who, action: entry.action }, "an editor action was not written to the audit log");
      if (options.required) throw error;
      return;
    }
  }
}

/**
 * What an action was on, as an entry says it: its path's ids (`id=…`), and the people it was about as keyed hashes
 * (`person:…`; a path's `email` is one of them, never written as it is).
 */
export function targetOf(params: Record<string, string>, people: readonly string[] = []): string | undefined {
  const ids = Object.entries(params).filter(([name]) => name !== "email");
  const hashes = [...new Set([...people, ...(params.email ? [targetHash(params.email)] : [])])];
  return [...ids.map(([name, value]) => `${name}=${value}`), ...hashes.map((hash) => `person:${hash}`)].join(" ") || undefined;
}

/** A month's entries (`yyyy-mm`, default this one), newest first, a page at a time. */
export const list = (month: string, before?: string) => Db.Audit.month(month, before);
