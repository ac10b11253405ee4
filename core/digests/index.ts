/** Digests: one email edition per frequency and period, built from articles (see `product.md` → Digests). */
import * as Db from "../db";
import { VisibleError } from "../errors";
import type { Digest } from "./types";

export { create, type CreateInput } from "./create";
export { messageFor, prepare, readerFor, readersFor, recordShown, readerOf, resolveReader, sampleReader } from "./compose";
export { PREVIEW_LINK_PATH, previewLinks, previewLinkUrl } from "./render/personal";
export { sendTestCopies, TEST_SENDS } from "./test-copies";
export { currentPeriod, isoWeek, isValidPeriod } from "./period";
export * from "./types";

export async function get(id: string): Promise<Digest> {
  const digest = await Db.Digests.get(id);
  if (!digest) throw new VisibleError("not_found", "not_found", `No digest ${id}.`);
  return digest;
}

export const list = Db.Digests.page;
export { automaticSubject, periodInWords } from "./words";
