export * as Subscribers from "./subscribers";
export * as Topics from "./topics";
export * as RateLimits from "./rate-limits";
export { WriteConflictError } from "./errors";
export { db, tableName, resetClient } from "./client";
