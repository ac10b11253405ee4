import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

/** Sends one SQS batch of queued deliveries through SES; throwing makes SQS retry the whole batch. */
export async function handler(_event: SQSEvent): Promise<SQSBatchResponse> {
  throw new Error("The send worker arrives with issue #4");
}
