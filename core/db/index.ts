export * as Subscribers from "./subscribers";
export * as Topics from "./topics";
export * as RateLimits from "./rate-limits";
export * as Articles from "./articles";
export * as Digests from "./digests";
export * as Deliveries from "./deliveries";
export * as Events from "./events";
export { WriteConflictError } from "./errors";
export { db, tableName, resetClient } from "./client";
