/**
 * Editors' import of existing subscribers (`product.md` → Subscribers → Import/export). Each good line makes its
 * address an `active` subscriber with the consent the file states (`source: import`), and no email is sent:
 * - someone new is created; a `pending` (or expired) sign-up becomes active;
 * - an `active` subscriber is updated with the cells given (empty cells keep what is stored; their own consent
 *   record stays), and a line that changes nothing writes nothing;
 * - an `unsubscribed`, `bounced` or `complained` subscriber is left alone and reported as skipped: an import must
 *   never overrule a reader's choice or a mailbox's refusal.
 * So importing the same file again, or retrying the request, changes nothing: addresses are unique (a conditional
 * write), and a lost race reads again and decides again.
 */
import { ulid } from "ulid";
import { forEachLimit } from "../concurrency";
import * as Db from "../db";
import { log } from "../log";
import { activated } from "./activate";
import { parseImport, type ImportRow, type LineProblem } from "./import-csv";
import { signupExpired } from "./rules";
import { followableTopics } from "./topics";
import type { Consent, Subscriber } from "./types";

/**
 * Lines are read 100 at a time (two batch reads find who exists); new ones are created up to 10 per transaction, the
 * others written one by one; 2 pages at once, 8 writes in flight each. Bounded, so DynamoDB is never flooded, and
 * enough to import 25,000 lines within API Gateway's 29 s.
 */
const PAGE = 100;
const PAGES_AT_ONCE = 2;
/** Transactions (or single lines) in flight per page: 16 in all, enough for DynamoDB, few enough that none waits long. */
const WRITES_PER_PAGE = 8;

export interface ImportReport {
  /** Lines whose subscriber now stands as the file says: created + updated + unchanged. */
  imported: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Lines left alone on purpose, each with the reason (`skips`). */
  skipped: number;
  skips: LineProblem[];
  /** Lines that could not be read or are not valid, with what is wrong. */
  errors: LineProblem[];
}

type Outcome = "created" | "updated" | "unchanged" | { skip: string };

/** Imports a CSV file (see `import-csv.ts` for its columns); `editor` is the token name, kept on the consent record. */
export async function importSubscribers(text: string, editor: string, now = new Date()): Promise<ImportReport> {
  const { rows, errors, skips } = await parseImport(text);
  const followable = new Set((await followableTopics()).map((topic) => topic.id));
  const first = new Map<string, number>();
  const todo: ImportRow[] = [];
  for (const row of rows) {
    const unknown = (row.topics ?? []).filter((topic) => !followable.has(topic));
    if (unknown.length) errors.push({ line: row.line, message: `topics: no such topic: ${unknown.join(", ")}` });
    else if (first.has(row.email)) skips.push({ line: row.line, message: `the same address as line ${first.get(row.email)}` });
    else {
      first.set(row.email, row.line);
      todo.push(row);
    }
  }

  const counts = { created: 0, updated: 0, unchanged: 0 };
  const pages = Array.from({ length: Math.ceil(todo.length / PAGE) }, (_, i) => todo.slice(i * PAGE, (i + 1) * PAGE));
  const one = async (row: ImportRow, stored: Subscriber | undefined) => {
    const outcome = await importRow(row, stored, editor, now);
    if (typeof outcome === "object") skips.push({ line: row.line, message: outcome.skip });
    else counts[outcome]++;
  };
  await forEachLimit(pages, PAGES_AT_ONCE, async (page) => {
    const stored = await Db.SubscriberLists.byEmails(page.map((row) => row.email));
    // New addresses are created a group per transaction (far fewer round trips); a group that meets an address
    // taken meanwhile (a concurrent import) or a fault wrote nothing, and its lines go one by one like the others.
    const groups = groupsOf(page.filter((row) => !stored.has(row.email)));
    await forEachLimit(groups, WRITES_PER_PAGE, async (group) => {
      try {
        await Db.Subscribers.createMany(group.map((row) => newSubscriber(row, importConsent(row, editor, now), now.toISOString())));
        counts.created += group.length;
      } catch (error) {
        if (!(Db.isRace(error) || Db.isTransient(error))) throw error;
        for (const row of group) await one(row, undefined);
      }
    });
    await forEachLimit(page.filter((row) => stored.has(row.email)), WRITES_PER_PAGE, (row) => one(row, stored.get(row.email)));
  });
  const byLine = (a: LineProblem, b: LineProblem) => a.line - b.line;
  const report = { imported: counts.created + counts.updated + counts.unchanged, ...counts, skipped: skips.length, skips: skips.sort(byLine), errors: errors.sort(byLine) };
  log.info({ event: "subscribers.imported", editor, ...report, skips: undefined, errors: report.errors.length }, "subscribers imported");
  return report;
}

/** One line, starting from `stored` (as the page's batch read found it); a lost race reads again and decides again. */
async function importRow(row: ImportRow, stored: Subscriber | undefined, editor: string, now: Date): Promise<Outcome> {
  const at = now.toISOString();
  const consent = importConsent(row, editor, now);
  // Transactions under load conflict or meet a busy table: `retryWrite` reads again after a wait.
  return Db.retryWrite(`importing line ${row.line}`, async (attempt) => {
    const existing = attempt === 1 ? stored : await Db.Subscribers.getByEmail(row.email);
    const decision = decide(existing, signupExpired(existing, now), row, consent, at);
    if (typeof decision === "string" || "skip" in decision) return decision;
    await Db.Subscribers.save(decision.next, existing);
    return existing ? "updated" : "created";
  });
}

/** What one line does to what is stored (pure). */
function decide(existing: Subscriber | undefined, expired: boolean, row: ImportRow, consent: Consent, at: string): Exclude<Outcome, "created" | "updated"> | { next: Subscriber } {
  if (existing?.status === "unsubscribed" || existing?.status === "bounced" || existing?.status === "complained") {
    return { skip: `${existing.status} here: their choice is kept` };
  }
  if (!existing) return { next: newSubscriber(row, consent, at) };
  const base = existing.status === "active" && !expired ? existing : { ...activated(existing, consent, at), confirmedAt: row.consentedAt };
  const next = {
    ...base,
    name: row.name ?? base.name,
    topics: row.topics ?? base.topics,
    frequency: row.frequency ?? base.frequency,
    language: row.language ?? base.language,
  };
  const same =
    next.name === existing.name && next.frequency === existing.frequency && next.language === existing.language && sameTopics(next.topics, existing.topics);
  if (base === existing && same) return "unchanged";
  return { next: { ...next, updatedAt: at, version: existing.version + 1 } };
}

const sameTopics = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

const importConsent = (row: ImportRow, editor: string, now: Date): Consent => ({
  requestedAt: row.consentedAt,
  confirmedAt: row.consentedAt,
  source: "import",
  textVersion: "import",
  importedAt: now.toISOString(),
  importedBy: editor,
});

function newSubscriber(row: ImportRow, consent: Consent, at: string): Subscriber {
  return {
    id: `sub_${ulid()}`,
    email: row.email,
    name: row.name,
    status: "active",
    topics: row.topics ?? [],
    frequency: row.frequency ?? "weekly",
    language: row.language,
    createdAt: at,
    updatedAt: at,
    confirmedAt: row.consentedAt,
    consent,
    confirmationsSentAt: [],
    version: 1,
  };
}

/**
 * New lines in groups for one transaction each: at most 10 subscribers and 100 items (2 + one per topic each, and
 * the day's joined counter once).
 */
function groupsOf(rows: readonly ImportRow[]): ImportRow[][] {
  const groups: ImportRow[][] = [];
  let items = 0;
  for (const row of rows) {
    const size = 2 + (row.topics?.length ?? 0);
    const last = groups.at(-1);
    if (last && last.length < 10 && items + size <= 99) {
      last.push(row);
      items += size;
    } else {
      groups.push([row]);
      items = size;
    }
  }
  return groups;
}
