/**
 * Starts DynamoDB Local, the SES stand-in, fauxqs and the S3 stand-in (with the exports bucket) once for the
 * whole run, on free ports, and stops them when it ends. Workers get the endpoints both ways:
 * `inject("localStack")` (see `helpers/local.ts`) and inherited environment variables, as the forks pool spawns
 * its workers after this setup has run.
 */
import type { TestProject } from "vitest/node";
import { startLocalStack, type LocalEnv } from "../scripts/local-stack";

declare module "vitest" {
  export interface ProvidedContext {
    localStack: LocalEnv;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startLocalStack({ dynamoPort: 0, sesPort: 0, sqsPort: 0, s3Port: 0 });
  Object.assign(process.env, stack.env);
  project.provide("localStack", stack.env);
  return () => stack.stop();
}
