/**
 * `compose` loaded on first use: nodemailer (the largest part of it) is imported when an email is first composed,
 * not with this module, so with code splitting a function that sends no email never loads it (scripts/bundle.ts).
 */
import type { Message } from "./message";

/** The raw RFC 5322 message, exactly as it would be handed to SES (see compose.ts). */
export async function compose(message: Message): Promise<Buffer> {
  return (await import("./compose")).compose(message);
}
