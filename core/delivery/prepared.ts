/**
 * Rendered digests, once per digest and variant (patron or not × language) per process (a warm Lambda keeps them
 * across batches), and only the variants some reader reads. A digest is frozen once it sends, so what was
 * prepared stays right. The renderer (and the template engine with it) is
 * loaded with the first digest prepared, not with this module: the API imports core/delivery to start sends and
 * never renders one (see scripts/bundle.ts).
 */
import * as Config from "../config";
import * as Digests from "../digests";
import type { Prepared } from "../digests/render";

const cache = new Map<string, Promise<Prepared>>();

/** The digest prepared for `reader`'s variant and language. */
export function preparedFor(digest: Digests.Digest, reader: Pick<Digests.AddressedRecipient, "variant" | "language">): Promise<Prepared> {
  const language = Config.readerLanguage(reader.language);
  const key = `${digest.id}:${reader.variant}:${language}`;
  let prepared = cache.get(key);
  if (!prepared) {
    prepared = Digests.prepare(digest, reader.variant, language);
    prepared.catch(() => cache.delete(key));
    cache.set(key, prepared);
  }
  return prepared;
}
