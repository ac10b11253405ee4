/**
 * The local S3: `@20minutes/s3rver`, in process, keeping its files in a temporary folder that goes when it stops.
 * It checks Signature V4 (headers and presigned URLs, their expiry included) against key pairs registered here,
 * so a tampered or expired download link is refused as S3 would refuse it. Unlike S3 it serves unsigned GETs too
 * (it has no bucket policies): locally, only the export's unguessable key keeps a file private.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BucketAlreadyOwnedByYou, CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

interface S3rver {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rver;

/** The exports bucket locally, unless `EXPORT_BUCKET` names another. */
export const EXPORT_BUCKET = "tidings-exports";

/** The dummy credentials every local client signs with (the app's `core/storage`, and the tests). */
const LOCAL_KEYS = { accessKeyId: "local", secretAccessKey: "local" };

/** Starts the stand-in on `port` with `bucket` in it. */
export async function startS3(port: number, bucket: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const require = createRequire(import.meta.url);
  const S3rver = require("@20minutes/s3rver") as S3rverClass;
  // It only knows its own S3RVER key pair; a request signed with any other is refused.
  const { DUMMY_ACCOUNT } = require("@20minutes/s3rver/lib/models/account") as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  DUMMY_ACCOUNT.createKeyPair(LOCAL_KEYS.accessKeyId, LOCAL_KEYS.secretAccessKey);

  const directory = mkdtempSync(join(tmpdir(), "tidings-s3-"));
  const removeFiles = () => rmSync(directory, { recursive: true, force: true });
  process.on("exit", removeFiles);
  // The bucket is made by the stand-in itself: its CreateBucket refuses the SDK's path-style signature.
  const server = new S3rver({ address: "127.0.0.1", port, silent: true, directory, configureBuckets: [{ name: bucket }] });
  try {
    await server.run();
  } catch (error) {
    removeFiles();
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      const closed = server.close();
      server.httpServer?.closeAllConnections();
      await closed;
      process.off("exit", removeFiles);
      removeFiles();
    },
  };
}

/** Creates `bucket` at an S3 endpoint given from outside (LocalStack, an account), unless it is there already. */
export async function ensureBucket(
  env: { AWS_REGION: string; AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string },
  endpoint: string,
  bucket: string,
): Promise<void> {
  const s3 = new S3Client({
    endpoint,
    region: env.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
  } finally {
    s3.destroy();
  }
}
