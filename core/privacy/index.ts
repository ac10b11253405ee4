/**
 * A reader's privacy (`product.md` → Subscribers → Privacy): exporting everything held about them, and erasing it
 * while anonymous aggregates (topic tallies, digest counts) stay right. Both are signed-in actions (`/account`).
 */
export { exportData, type PersonalData } from "./export";
export { erase, type ErasureReport } from "./erase";
