/**
 * The dashboard's export (`/editor/subscribers/export`) shows its file after a redirect (Post/Redirect/Get): the
 * redirect names the file, not its download link (a credential), and the page signs a fresh link for it. A file's
 * name (a time-sortable id and 128 random bits) cannot be guessed; the page is for admins only.
 */
import * as Storage from "../storage";
import { LINK_SECONDS } from "./export-file";

/** A file's name as `exportToFile` makes it (`exports/<name>.csv`). */
export const EXPORT_NAME = /^[0-9A-HJKMNP-TV-Z]{26}-[0-9a-f]{32}$/;

/** The name of the file a download link points at, or undefined when it is not an export's link. */
export function exportNameOf(url: string): string | undefined {
  const match = /\/exports\/([^/]+)\.csv$/.exec(new URL(url).pathname);
  return match && EXPORT_NAME.test(match[1]!) ? match[1] : undefined;
}

/** A fresh download link (for `LINK_SECONDS`) to the export named `name`; 503 where no bucket is configured. */
export async function exportLinkFor(name: string): Promise<{ url: string; expiresAt: string }> {
  const bucket = Storage.exportBucket();
  if (!bucket) throw Storage.notConfigured();
  const { url, expiresAt } = await Storage.signedDownloadUrl(bucket, `exports/${name}.csv`, LINK_SECONDS);
  return { url, expiresAt: expiresAt.toISOString() };
}
