/**
 * The audit log: every editor action (who, what, when, on what), from the dashboard and from API tokens alike,
 * written after the action answered. Admins read it at `/editor/audit`. It names people only as keyed hashes
 * (`targetHash`), so erasing a reader leaves nothing of theirs here. A failure to write an entry is logged (the
 * action already happened; failing its answer would invite a retry that does it twice).
 */
import * as Db from "../db";
import { log } from "../log";

export type AuditEntry = Db.Audit.AuditEntry;

export async function record(entry: Omit<AuditEntry, "at">, now = new Date()): Promise<void> {
  await Db.Audit.put({ ...entry, at: now.toISOString() }).catch((error) =>
    log.error({ err: error, event: "editor.audit_failed", who: entry.who, action: entry.action }, "an editor action was not written to the audit log"),
  );
}

/** A month's entries (`yyyy-mm`, default this one), newest first, a page at a time. */
export const list = (month: string, before?: string) => Db.Audit.month(month, before);
