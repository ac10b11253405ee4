/**
 * The SES (v1 API) client and the one call Tidings makes through it: SendRawEmail with the bytes from `compose()`.
 * The SDK's SES client is loaded on the first send, not at a cold start: most API requests send nothing.
 */
import type { SESClient } from "@aws-sdk/client-ses";
import * as Config from "../config";
import { log, maskEmail } from "../log";
import { compose } from "./mime";
import type { Message } from "./message";

let client: SESClient | undefined;
const sdk = () => import("@aws-sdk/client-ses");

/** Created on first use. Locally (`SES_ENDPOINT` set) it gets dummy credentials so the SDK never looks for real ones. */
async function ses(): Promise<SESClient> {
  const { SESClient } = await sdk();
  if (client) return client;
  const config = Config.get();
  client = new SESClient({
    region: config.AWS_REGION,
    // SendRawEmail is not idempotent: a retried timeout or 5xx may send twice. Retrying is the delivery
    // layer's decision (it owns the delivery record), so the SDK makes exactly one attempt.
    maxAttempts: 1,
    // The emulator hangs on some calls; SES itself answers in well under a second. Without
    // `throwOnRequestTimeout` this SDK only logs a warning when the timeout passes and keeps waiting.
    requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000, throwOnRequestTimeout: true },
    ...(config.SES_ENDPOINT
      ? { endpoint: config.SES_ENDPOINT, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
      : {}),
  });
  return client;
}

/** Forgets the client, so the next send builds one from the current settings (tests that change SES_ENDPOINT). */
export function resetClient(): void {
  client?.destroy();
  client = undefined;
}

/**
 * Sends one email through SES and returns SES's message id. Throws `UnsafeHeaderError` before sending anything
 * if a header value is unsafe; SES errors are thrown as they come (see `isThrottled`).
 */
export async function send(message: Message): Promise<{ messageId: string }> {
  const raw = await compose(message);
  const { SES_CONFIGURATION_SET } = Config.get();
  const tags = traceTags(message.headers ?? {});
  const { SendRawEmailCommand } = await sdk();
  const result = await (await ses()).send(
    new SendRawEmailCommand({
      RawMessage: { Data: raw },
      ...(SES_CONFIGURATION_SET ? { ConfigurationSetName: SES_CONFIGURATION_SET } : {}),
      ...(tags.length ? { Tags: tags } : {}),
    }),
  );
  if (!result.MessageId) throw new Error("SES accepted the email but returned no message id");
  const to = typeof message.to === "string" ? message.to : message.to.address;
  log.debug({ messageId: result.MessageId, to: maskEmail(to), marketing: Boolean(message.marketing) }, "email sent");
  return { messageId: result.MessageId };
}

/**
 * The trace headers again as SES message tags: SES events carry the tags even when it truncates the headers, so
 * a bounce can always be traced to its digest and delivery. Tag values allow only letters, digits, `-` and `_`.
 */
function traceTags(headers: Record<string, string>) {
  const tags = [
    { Name: "tidings-digest", Value: headers["X-Tidings-Digest"] },
    { Name: "tidings-delivery", Value: headers["X-Tidings-Delivery"] },
  ];
  return tags.filter((tag): tag is { Name: string; Value: string } => /^[\w-]{1,256}$/.test(tag.Value ?? ""));
}

/**
 * Whether an SES error is throttling (maximum send rate exceeded): back-pressure to wait on and retry, never a
 * failed delivery. Note that SES uses the same code when the daily quota is exhausted.
 */
export function isThrottled(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as { name?: string; $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
  return (
    e.name === "Throttling" ||
    e.name === "ThrottlingException" ||
    e.$retryable?.throttling === true ||
    e.$metadata?.httpStatusCode === 429
  );
}
