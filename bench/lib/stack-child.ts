/**
 * The local stack of one benchmark run, in a process of its own (started by `stack.ts`): DynamoDB Local (a JVM,
 * its child), the SES emulator and fauxqs. Kept out of the benchmark's process so the stand-ins' CPU is not
 * counted as Tidings' and Tidings' event loop does not wait behind the emulator's MIME parsing.
 *
 * The SES emulator keeps every email it accepts, bodies included (100,000 digests would be gigabytes), so this
 * process tallies recipients as mail arrives and then drops the stored bodies: `mail` answers how many emails
 * arrived, to how many distinct recipients, and how many recipients got more than one.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ensureLocalTable, startLocalStack } from "../../scripts/local-stack";

type StoredEmail = { destination: { to: string[] } };
type Store = { emails: StoredEmail[] };

for (const name of ["DYNAMODB_ENDPOINT", "SES_ENDPOINT", "SQS_ENDPOINT", "SEND_QUEUE_URL", "TRANSACTIONAL_QUEUE_URL"]) delete process.env[name];
const stack = await startLocalStack({});
const table = process.env.TABLE_NAME ?? "tidings-bench";
await ensureLocalTable(stack.env, table);

// The emulator's own store module (the same instance its server writes to).
const require = createRequire(import.meta.url);
const sesDir = dirname(require.resolve("aws-ses-v2-local"));
const { getStoreReadonly } = require(join(sesDir, "store.js")) as { getStoreReadonly: () => Store };

const received = new Map<string, number>();
let emails = 0;
function tally() {
  const store = getStoreReadonly();
  const batch = store.emails.splice(0);
  for (const email of batch) {
    emails++;
    for (const to of email.destination.to) {
      const address = (to.match(/<([^>]+)>/)?.[1] ?? to).trim().toLowerCase();
      received.set(address, (received.get(address) ?? 0) + 1);
    }
  }
}
const timer = setInterval(tally, 500);

process.on("message", async (message: { type: string }) => {
  if (message.type === "mail") {
    tally();
    let doubles = 0;
    for (const count of received.values()) if (count > 1) doubles++;
    process.send!({ type: "mail", emails, recipients: received.size, doubles });
  } else if (message.type === "stop") {
    clearInterval(timer);
    await stack.stop();
    process.send!({ type: "stopped" }, () => process.exit(0));
  }
});
process.on("disconnect", () => {
  void stack.stop().finally(() => process.exit(0));
});
process.send!({ type: "ready", env: stack.env, table });
