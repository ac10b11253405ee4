/**
 * Whom an editor action was about (a subscriber looked up, previewed, granted a membership; the addresses a test
 * copy went to), as the action's log line records it: a keyed hash of the address, never the address. Whoever
 * holds the signing secret can compute an address's hash and find the actions on it; nobody else can read or
 * guess one back from a log. Case-insensitive, as addresses are compared.
 */
import { createHmac } from "node:crypto";
import * as Config from "../config";

export function targetHash(email: string): string {
  return createHmac("sha256", Config.get().SIGNING_SECRET)
    .update(`editor-target:${email.trim().toLowerCase()}`)
    .digest("base64url")
    .slice(0, 22);
}
