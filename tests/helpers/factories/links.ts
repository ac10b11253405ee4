/** Signed links, as the app's emails carry them: a token of `core/tokens` on the page of its purpose. */
import * as Config from "../../../core/config";
import * as SignIn from "../../../core/signin";
import * as Tokens from "../../../core/tokens";

/** The page each link purpose opens. */
export const LINK_PAGES = {
  confirm: "/confirm",
  manage: "/preferences",
  unsubscribe: "/unsubscribe",
  vote: "/vote",
  signin: "/login",
  "email-change": "/email-change",
  gift: "/gift",
  "editor-signin": "/editor/signin",
  "billing-update": "/billing/update",
} as const satisfies Record<Exclude<Tokens.Purpose, "session" | "editor-session">, string>;

export type LinkPurpose = keyof typeof LINK_PAGES;

export interface SignedLink {
  token: string;
  /** `/<page>?token=…`, for an in-process request. */
  path: string;
  /** The same on PUBLIC_URL. */
  url: string;
}

/**
 * A link of `purpose` for a subscriber, signed now (or at `at`): a vote link names its `topicId`; a card-update link
 * its `customerId`; a sign-in link carries a fresh nonce, as `SignIn.linkToken` makes it.
 */
export function signedLink(
  purpose: LinkPurpose,
  subscriberId: string,
  options: { topicId?: string; customerId?: string; at?: Date } = {},
): SignedLink {
  const at = options.at ?? new Date();
  const subject =
    purpose === "vote" ? `${subscriberId}~${options.topicId}` : purpose === "billing-update" ? `${subscriberId}~${options.customerId ?? "cus_none"}` : subscriberId;
  const token = purpose === "signin" ? SignIn.linkToken(subscriberId, at) : Tokens.sign(purpose, subject, at);
  const path = `${LINK_PAGES[purpose]}?token=${encodeURIComponent(token)}`;
  return { token, path, url: `${Config.get().PUBLIC_URL}${path}` };
}
