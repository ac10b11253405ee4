/**
 * Editors' `[TEST]` copies of a digest, limited per editor token: a test copy goes to any address, so a token
 * (or whoever holds one) must not be able to mail the world from the outlet's domain through it.
 */
import * as Db from "../db";
import * as Email from "../email";
import { VisibleError } from "../errors";
import { messageFor } from "./compose";
import type { AddressedRecipient, Digest } from "./types";

/** Test sends (each of up to 10 addresses) one editor token may make per window; more get 429. */
export const TEST_SENDS = { perEditor: 20, windowSeconds: 60 * 60 };

/**
 * Sends `[TEST]` copies of `reader`'s email (a preview's: `resolveReader`) to each address, counted against
 * `editor`'s `TEST_SENDS`. Past the limit it throws a 429 `VisibleError` and sends nothing.
 */
export async function sendTestCopies(
  digest: Digest,
  reader: AddressedRecipient,
  to: readonly string[],
  editor: string,
  now = new Date(),
): Promise<number> {
  if (!reader.preview) throw new Error("a test copy is made as a preview reader (resolveReader)");
  const limit = await Db.RateLimits.hit("test-send", editor, TEST_SENDS.perEditor, TEST_SENDS.windowSeconds, now);
  if (!limit.allowed) {
    throw new VisibleError("rate_limited", "rate_limited", "Too many test sends from this editor token. Try again later.", {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  }
  const { testCopy } = await import("./render"); // loaded on first use, as compose.ts says why
  const message = testCopy(await messageFor(digest, reader));
  for (const address of to) await Email.send({ ...message, to: address });
  return to.length;
}
