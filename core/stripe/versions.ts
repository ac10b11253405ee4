/**
 * Which API versions' events Tidings can read. A webhook endpoint renders every event's object in its own API
 * version (set on the endpoint, or the account's default), whatever version the `stripe` package pins for calls.
 * - **The pinned version** (`Stripe.API_VERSION`, which `client.ts` uses for every call): read as is.
 * - **An older dated version:** read through the tolerant readers of `objects.ts`, which know where older versions
 *   kept what the handlers take from a payload (an invoice's subscription, a charge's invoice, a period); everything
 *   else comes from the API, in the pinned version, anyway.
 * - **A newer version, or one that can't be read:** refused with a 400 before the event is claimed, so nothing is
 *   recorded as processed: its shape is unknown here, and a field that moved would be read as absent (an invoice's
 *   subscription read as none made a membership invoice look like a one-off). Stripe retries a refused delivery for
 *   days and emails the account's owner: set the endpoint's API version to the pinned one, and resend.
 */
import type Stripe from "stripe";
import { VisibleError } from "../errors";

/** How an event's API version stands to the pinned one. */
export type VersionFit = "pinned" | "older" | "newer" | "unreadable";

/** `2026-10-28.endive` → its date and release name; `2019-12-03` (before named releases) → its date. */
function parse(version: unknown): { date: string; release?: string } | undefined {
  if (typeof version !== "string") return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})(?:\.([a-z]+))?$/.exec(version);
  return match ? { date: match[1]!, release: match[2] } : undefined;
}

/**
 * Compares an event's API version with the pinned one. Versions are dated, so the date orders them; the same date
 * under another name (a preview) is not the pinned version, and its shape is not known here.
 */
export function fitOf(version: unknown, pinned: string): VersionFit {
  const event = parse(version);
  const ours = parse(pinned);
  if (!event || !ours) return "unreadable";
  if (event.date < ours.date) return "older";
  if (event.date > ours.date) return "newer";
  return event.release === ours.release ? "pinned" : "unreadable";
}

let stripeModule: Promise<typeof import("stripe")> | undefined;

/** The API version the `stripe` package pins, and every call uses (loaded on first use: see client.ts). */
export async function pinnedVersion(): Promise<string> {
  const { default: StripeClass } = await (stripeModule ??= import("stripe"));
  return StripeClass.API_VERSION;
}

/** The 400 for an event Tidings can't read, saying what to do. */
export function unsupportedVersion(version: unknown, pinned: string): VisibleError {
  return new VisibleError(
    "invalid",
    "unsupported_api_version",
    `This event is rendered in Stripe API version ${String(version)}, which Tidings can't read: it is built for ` +
      `${pinned} and reads older versions. Set the webhook endpoint's API version to ${pinned} (or an older one), ` +
      `then resend the event.`,
  );
}

/** How the event's version stands; throws `unsupportedVersion` for a newer or unreadable one. */
export async function checkVersion(event: Pick<Stripe.Event, "api_version">): Promise<"pinned" | "older"> {
  const pinned = await pinnedVersion();
  const fit = fitOf(event.api_version, pinned);
  if (fit === "newer" || fit === "unreadable") throw unsupportedVersion(event.api_version, pinned);
  return fit;
}
