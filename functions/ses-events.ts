import type { SNSEvent } from "aws-lambda";

/** Applies SES bounce, complaint and delivery events (SES configuration set → SNS) to subscribers and sends. */
export async function handler(_event: SNSEvent): Promise<void> {
  throw new Error("SES event handling arrives with issue #4");
}
