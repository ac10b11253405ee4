/**
 * `compose` loaded on first use: nodemailer (the largest part of it) is imported when an email is first composed,
 * not with this module, so with code splitting a function that sends no email never loads it (scripts/bundle.ts).
 */
import type { Message } from "./message";

let composer: Promise<typeof import("./compose")> | undefined;

/** The raw RFC 5322 message, exactly as it would be handed to SES (see compose.ts). */
export async function compose(message: Message): Promise<Buffer> {
  // One import() per process, not per email: each call would go through the module loader again.
  composer ??= import("./compose");
  return (await composer).compose(message);
}
