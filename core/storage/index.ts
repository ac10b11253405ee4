/**
 * Files in S3: written as a stream (a multipart upload, a few parts in memory at a time) and handed out through
 * short-lived presigned URLs. The only code that knows about S3. Used for editors' exports, which are too large
 * for an API answer (API Gateway buffers at most 6 MB).
 *
 * The AWS SDK's S3 packages are imported on first use, not with this module: bundled with code splitting, only
 * the export route loads them, not every cold start of the API (see scripts/bundle.ts).
 */
import { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import * as Config from "../config";
import { VisibleError } from "../errors";

/** 5 MB, S3's smallest part: with two parts in flight, about 15 MB of memory whatever the file's size. */
const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

let client: Promise<S3Client> | undefined;

/** The exports bucket, or undefined where none is configured. */
export function exportBucket(): string | undefined {
  return Config.get().EXPORT_BUCKET;
}

/** The 503 an export answers where no bucket is configured. */
export function notConfigured(): VisibleError {
  return new VisibleError(
    "unavailable",
    "exports_not_configured",
    "Exports are not available here: no bucket is configured for them (set EXPORT_BUCKET; see the README).",
  );
}

/**
 * Created on first use. Locally (`S3_ENDPOINT` set) it gets dummy credentials, so the SDK never looks for real
 * ones, and path-style URLs (`http://host:port/bucket/key`), since a local endpoint has no per-bucket host names.
 */
function s3(): Promise<S3Client> {
  if (client) return client;
  const created = (async () => {
    const { S3Client } = await import("@aws-sdk/client-s3");
    const { S3_ENDPOINT, AWS_REGION } = Config.get();
    return new S3Client({
      region: AWS_REGION,
      requestHandler: { requestTimeout: 30_000, connectionTimeout: 3_000, throwOnRequestTimeout: true },
      ...(S3_ENDPOINT && {
        endpoint: S3_ENDPOINT,
        forcePathStyle: true,
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      }),
    });
  })();
  created.catch(() => {
    if (client === created) client = undefined;
  });
  client = created;
  return created;
}

/** Forgets the client, so the next call builds one from the current settings (tests that change them). */
export function resetClient(): void {
  void client?.then((old) => old.destroy(), () => undefined);
  client = undefined;
}

export interface FileHeaders {
  contentType: string;
  /** What a browser does with the file when the URL is opened, e.g. `attachment; filename="list.csv"`. */
  contentDisposition?: string;
}

/**
 * Writes `body` to `key` in `bucket` as it is produced, a part at a time. On any failure (of `body` or of S3)
 * the upload is aborted and nothing is left behind; the error is thrown.
 */
export async function writeStream(
  bucket: string,
  key: string,
  body: AsyncIterable<string | Uint8Array>,
  headers: FileHeaders,
): Promise<void> {
  const [{ Upload }, client] = await Promise.all([import("@aws-sdk/lib-storage"), s3()]);
  const upload = new Upload({
    client,
    params: {
      Bucket: bucket,
      Key: key,
      Body: Readable.from(body),
      ContentType: headers.contentType,
      ContentDisposition: headers.contentDisposition,
    },
    partSize: PART_BYTES,
    queueSize: PARTS_IN_FLIGHT,
  });
  await upload.done();
}

/**
 * A URL that downloads `key` for anyone who has it, for `seconds` from now (when the URL stops working, for a
 * caller that wants to say so). Signed here, without asking S3: a URL for a key that does not exist is refused
 * when used.
 */
export async function signedDownloadUrl(
  bucket: string,
  key: string,
  seconds: number,
): Promise<{ url: string; expiresAt: Date }> {
  const [{ GetObjectCommand }, { getSignedUrl }, client] = await Promise.all([
    import("@aws-sdk/client-s3"),
    import("@aws-sdk/s3-request-presigner"),
    s3(),
  ]);
  // Signed for a whole second, as the signature's date is; the link then lasts exactly `seconds` from it.
  const signingDate = new Date(Math.floor(Date.now() / 1000) * 1000);
  const command = new GetObjectCommand({ Bucket: bucket, Key: key });
  const url = await getSignedUrl(client, command, { expiresIn: seconds, signingDate });
  return { url, expiresAt: new Date(signingDate.getTime() + seconds * 1000) };
}
