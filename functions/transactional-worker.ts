import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { handleRecords } from "../core/transactional/worker";

/** Transactional queue → confirmations and sign-in links; failed messages are retried by SQS (partial batch responses). */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const retry = await handleRecords(event.Records.map((record) => ({ id: record.messageId, body: record.body })));
  return { batchItemFailures: retry.map((itemIdentifier) => ({ itemIdentifier })) };
}
