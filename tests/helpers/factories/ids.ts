/** Ids and addresses no other call (in this file's process) has made: test files share one DynamoDB Local and SES. */
import { randomUUID } from "node:crypto";

let counter = 0;

/** A fresh lower-case slug, `<prefix>-<n>-<random>`: valid as a topic or article id. */
export const uniqueSlug = (prefix: string) => `${prefix}-${(counter++).toString(36)}-${randomUUID().slice(0, 4)}`;
