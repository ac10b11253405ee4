/**
 * The welcome series (`product.md` → Keeping patrons): the steps configured in templates/series.ts, each a
 * delivery in the ledger (core/db/series.ts), written at a confirmation (`begin`), picked when due by the schedule
 * (`runSeries`), and sent once by the transactional worker (`sendStep`), stopped at unsubscribe, bounce or
 * complaint, and on becoming a patron.
 */
export { begin, seriesOf, sendWelcomeStep } from "./start";
export { runSeries, CATCH_UP_DAYS, REENQUEUE_AFTER_MS } from "./schedule";
export { sendStep, stepMessageId } from "./send";
export { bestOfMessage, bestOfStories, patronInvitationMessage, stepMessage, BEST_OF_DAYS, BEST_OF_STORIES, INVITATION_SOURCE } from "./messages";
export type { SeriesDelivery, SeriesStatus, SkipReason } from "./types";
