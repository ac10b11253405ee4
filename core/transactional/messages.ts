/** What travels on the transactional queue: one email each, named by an id of its own so it is sent once. */
import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used

/** Email a sign-in link to this address if it is a subscriber's (`SignIn.sendLink`): off the request path. */
export const signinEmail = z.object({
  kind: z.literal("signin"),
  id: z.string().min(8).max(64),
  email: z.string().min(3).max(254),
});

/** Send the email a sign-up planned (its slot is already taken in `confirmationsSentAt`). */
export const signupEmail = z.object({
  kind: z.literal("signup"),
  id: z.string().min(8).max(64),
  subscriberId: z.string().min(3).max(64),
  email: z.enum(["confirmation", "already-subscribed"]),
  /** The opt-in a confirmation confirms (absent on messages queued before links named it: the newest one). */
  optInId: z.string().min(1).max(64).optional(),
});

/**
 * One email of a patron's change of address (core/patrons/email-change-mail.ts): the confirm link to the new
 * address, or a notice to the old one. Sent only while the change its nonce names still stands.
 */
export const emailChangeEmail = z.object({
  kind: z.literal("email-change"),
  id: z.string().min(8).max(64),
  subscriberId: z.string().min(3).max(64),
  nonce: z.string().min(8).max(64),
  email: z.enum(["confirm", "requested", "changed"]),
});

/**
 * A topic was covered: its contributors are told, each once (core/contributions/covered.ts): by a notice in their
 * next digest, or by a `funded-covered` email. Sends nothing itself.
 */
export const topicCovered = z.object({
  kind: z.literal("topic-covered"),
  id: z.string().min(8).max(64),
  topicId: z.string().min(1).max(64),
});

/** "You funded it, we covered it" by email, to a contributor no digest will tell. Named by topic and address. */
export const fundedCoveredEmail = z.object({
  kind: z.literal("funded-covered"),
  id: z.string().min(8).max(64),
  topicId: z.string().min(1).max(64),
  email: z.string().min(3).max(254),
});

/** Email a dashboard sign-in link to this address if `EDITORS` lists it (`Editors.sendLink`). */
export const editorSigninEmail = z.object({
  kind: z.literal("editor-signin"),
  id: z.string().min(8).max(64),
  email: z.string().min(3).max(254),
  /** The language of the page the link was asked from. */
  language: z.string().max(16).optional(),
});

/**
 * One step of a subscriber's welcome series (core/series), due now: sent if it still applies, and settled in the
 * ledger. Its id is derived from the subscriber and step (`stepMessageId`), so a step is sent once however often
 * it is put on the queue.
 */
export const seriesStepEmail = z.object({
  kind: z.literal("series-step"),
  id: z.string().min(8).max(64),
  subscriberId: z.string().min(3).max(64),
  step: z.string().min(1).max(40),
});

export const transactionalMessage = z.discriminatedUnion("kind", [
  signinEmail,
  signupEmail,
  emailChangeEmail,
  topicCovered,
  fundedCoveredEmail,
  editorSigninEmail,
  seriesStepEmail,
]);

export type TransactionalMessage = z.output<typeof transactionalMessage>;
/** A message as its sender writes it; `enqueue` gives it its id. */
export type NewTransactionalMessage = TransactionalMessage extends infer M ? (M extends unknown ? Omit<M, "id"> : never) : never;
