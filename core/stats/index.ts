/** The editors' figures over time: the daily snapshot, its schedule, and the history read back. */
export { takeSnapshot, runSchedule, snapshotToday } from "./snapshot";
export { history, rangeOf, isDate, DEFAULT_DAYS, MAX_DAYS } from "./history";
export { subscriberCounts, patronCounts } from "./counted";
export type { DaySnapshot, DayCounts, Movement } from "./types";
