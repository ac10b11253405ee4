/** The links inside a subscriber's emails, each carrying a link token for one purpose. */
import * as Config from "../config";
import * as Tokens from "../tokens";

function link(path: string, token: string): string {
  return `${Config.get().PUBLIC_URL}${path}?token=${encodeURIComponent(token)}`;
}

/**
 * Confirms the one opt-in it names (`sub_…~<opt-in id>`), whatever a later sign-up of the address asked; an opt-in
 * stored before opt-ins had ids is named by the subscriber id alone.
 */
export const confirmUrl = (subscriberId: string, optInId: string | undefined) =>
  link("/confirm", Tokens.sign("confirm", optInId ? `${subscriberId}~${optInId}` : subscriberId));
export const manageUrl = (subscriberId: string) => link("/preferences", Tokens.sign("manage", subscriberId));
/** Also the RFC 8058 one-click target: the same URL answers a `List-Unsubscribe=One-Click` POST. */
export const unsubscribeUrl = (subscriberId: string) => link("/unsubscribe", Tokens.sign("unsubscribe", subscriberId));
