/**
 * For integration tests against the local stack that `tests/global-setup.ts` started. Test files run in
 * parallel against the same stand-ins, so each file gets its own table, and nothing here clears shared stores.
 */
import { randomBytes } from "node:crypto";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, inject } from "vitest";
import {
  applyDefaults,
  createSendQueue,
  demoSettings,
  dynamoDbClient,
  ensureLocalTable,
  type LocalEnv,
} from "../../scripts/local-stack";

/**
 * The test editor tokens by scope (`tests/helpers/editor.ts`): `editor`, the admin, in the form without a scope
 * that deployments configured before scopes still use; `monitor` may only read, `newsroom` publish and send.
 */
export const TEST_EDITOR_TOKENS = {
  admin: "test-editor-token-admin-0123456789abcdefghij",
  send: "test-editor-token-send-0123456789abcdefghijk",
  read: "test-editor-token-read-0123456789abcdefghijk",
} as const;

/** The dashboard's test editors (`EDITORS`) by role. */
export const TEST_EDITORS = { admin: "chief@newsroom.example", editor: "writer@newsroom.example" } as const;

/** Test values for the settings the app requires; a variable already set wins. */
export const testSettings = {
  PUBLIC_URL: "http://127.0.0.1:3000",
  SIGNING_SECRET: "test-signing-secret-0123456789abcdef",
  EDITOR_TOKENS: `editor:${TEST_EDITOR_TOKENS.admin},newsroom:send:${TEST_EDITOR_TOKENS.send},monitor:read:${TEST_EDITOR_TOKENS.read}`,
  EDITORS: `${TEST_EDITORS.admin}:admin,${TEST_EDITORS.editor}:editor`,
  ...demoSettings,
};

/** The stack's endpoints, copied into `process.env` along with `testSettings`. */
export function useLocalEnv(): LocalEnv {
  const env = inject("localStack");
  Object.assign(process.env, env);
  applyDefaults(testSettings);
  return env;
}

/**
 * Gives this test file (or scenario) queues of its own, named after `name`: the send queue (`SEND_QUEUE_URL`) and
 * the transactional queue (`TRANSACTIONAL_QUEUE_URL`), as a worker takes whatever its queue holds.
 */
export async function useOwnQueues(env: Omit<LocalEnv, "SEND_QUEUE_URL" | "TRANSACTIONAL_QUEUE_URL">, name: string): Promise<void> {
  process.env.SEND_QUEUE_URL = await createSendQueue(env, name);
  process.env.TRANSACTIONAL_QUEUE_URL = await createSendQueue(env, `${name}-tx`);
  ownsQueues = true;
}

/**
 * Whether this file's queues are its own (`useOwnQueues`): only then may it work them, as `mailTo` does with the
 * transactional queue (the global setup's queues are shared by every file's process).
 */
export let ownsQueues = false;

/**
 * Call at the top of an integration test file: in `beforeAll` it applies `useLocalEnv()` and creates the
 * file's own table (`tidings-test-<random>`, set as `TABLE_NAME`) and queues (`useOwnQueues`); `afterAll`
 * deletes the table.
 */
export function useLocalStack(): { readonly tableName: string } {
  const name = `tidings-test-${randomBytes(6).toString("hex")}`;
  let env: LocalEnv | undefined;
  beforeAll(async () => {
    env = useLocalEnv();
    process.env.TABLE_NAME = name;
    await ensureLocalTable(env, name);
    await useOwnQueues(env, name);
  });
  afterAll(async () => {
    if (!env) return;
    const client = dynamoDbClient(env);
    await client.send(new DeleteTableCommand({ TableName: name })).finally(() => client.destroy());
  });
  return { tableName: name };
}
