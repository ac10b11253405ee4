/**
 * Factories with overrides, one file an entity: `make…` builds a valid object (pure), `save…` writes it straight to
 * the table through `core/db`, `create…` goes through the app's own code (the editor API or a domain function).
 * Ids, addresses and periods are unique per call: test files run in parallel against one DynamoDB Local and SES.
 */
export * from "./articles";
export * from "./digests";
export * from "./links";
export * from "./patrons";
export * from "./sessions";
export * from "./subscribers";
export * from "./topics";
export { uniqueSlug } from "./ids";
