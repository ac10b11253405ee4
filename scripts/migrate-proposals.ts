/**
 * One-off, after deploying the release that counts each patron's proposals: gives every topic a patron proposed
 * the marker under their partition through which export and erasure find it, and counts those still `proposed`
 * towards the patron's limit (`core/db/proposal-migration.ts`). Safe to run again and beside editors and patrons at
 * work; prints how many it marked. Run with the stage's environment (TABLE_NAME and the rest, as `tidings` commands
 * are):
 *
 *   node --import tsx scripts/migrate-proposals.ts
 */
import { markLegacyProposals } from "../core/db/proposal-migration";

export async function migrateProposals(print: (line: string) => void = console.log): Promise<number> {
  const marked = await markLegacyProposals();
  print(`${marked} earlier proposals marked and counted`);
  return marked;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  migrateProposals().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
