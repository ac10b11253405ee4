import type { SNSEvent } from "aws-lambda";
import { handleSesEvents } from "../core/delivery/ses-events";

/** Applies SES bounce, complaint and delivery events (SES configuration set → SNS) to subscribers and sends. */
export async function handler(event: SNSEvent): Promise<void> {
  await handleSesEvents(event);
}
