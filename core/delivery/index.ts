/**
 * Delivery: every subscriber gets a digest exactly once, as fast as SES allows (see README.md here).
 */
export { start } from "./start";
export { sendScheduled } from "./scheduled";
export { cancel } from "./cancel";
export { recover, recoverAll, LEASE_MS } from "./recover";
export { finishIfDone } from "./finish";
export { withCounts, deliveries } from "./progress";
export { paceOf, type Pace, type PaceSample } from "./pace";
export { handleRecords, type QueueRecord } from "./worker";
export { TokenBucket, workerRate, sendRates } from "./pacing";
export type { Delivery, SkipReason } from "./types";
