/**
 * One-off, after deploying the release that sorts lapsed patrons by when they lapsed (gsi2 `PATRONS#lapsed` /
 * `<lapsedAt>#<id>`, which the win-back reads, core/patrons/winback.ts): gives the patrons who lapsed before it that
 * key. Until it has run, they keep their old one (their id) and the win-back does not find them; those who lapsed
 * within the last `WINBACK_DAYS` + a week are then still sent theirs on their day, older ones never were due. Reads
 * only the patrons with the old key (never a scan); safe to run again and beside the app at work (each key is set
 * by an update conditioned on what was read). Run with the stage's environment (TABLE_NAME and the rest):
 *
 *   node --import tsx scripts/migrate-lapsed-index.ts
 */
import * as Db from "../core/db";

export async function migrateLapsedIndex(print: (line: string) => void = console.log): Promise<{ moved: number; undated: number }> {
  const counts = await Db.WinBacks.reindexLapsed();
  print(`${counts.moved} lapsed patrons sorted by when they lapsed; ${counts.undated} without a lapse time left as they were`);
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  migrateLapsedIndex().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
