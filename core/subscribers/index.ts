/**
 * Subscribers: double opt-in sign-up, confirmation, preferences and unsubscribing (see `product.md` → Subscribers).
 */
export { signup, type SignupContext, type SignupOutcome } from "./signup";
export { resubscribe, type ResubscribeOutcome } from "./resubscribe";
export { confirm } from "./confirm";
export { fromManageToken, updatePreferences } from "./preferences";
export { unsubscribe } from "./unsubscribe";
export { markBounced, markComplained, recordTransientBounce, recordDelivered, TRANSIENT_BOUNCES_TO_SUPPRESS } from "./suppress";
export { confirmUrl, manageUrl, unsubscribeUrl } from "./links";
export { languageOfLink } from "./language";
export { FOLLOWABLE, followableTopics } from "./topics";
export * as Input from "./input";
export { LIMITS } from "./rules";
export type { Subscriber, Status, Frequency } from "./types";
export { signupMessage, welcomeMessage } from "./notify";
