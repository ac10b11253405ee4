/**
 * Rendered digests, once per digest and variant per process (a warm Lambda keeps them across batches). A digest
 * is frozen once it sends, so what was prepared stays right. The renderer (and the template engine with it) is
 * loaded with the first digest prepared, not with this module: the API imports core/delivery to start sends and
 * never renders one (see scripts/bundle.ts).
 */
import * as Digests from "../digests";
import type { Prepared } from "../digests/render";

const cache = new Map<string, Promise<Prepared>>();

export function preparedFor(digest: Digests.Digest, variant: Digests.Variant): Promise<Prepared> {
  const key = `${digest.id}:${variant}`;
  let prepared = cache.get(key);
  if (!prepared) {
    prepared = Digests.prepare(digest, variant);
    prepared.catch(() => cache.delete(key));
    cache.set(key, prepared);
  }
  return prepared;
}
