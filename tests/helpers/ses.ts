/** SES feedback fixtures (`tests/fixtures/ses`, AWS's documented samples) and the SNS events that carry them. */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { SNSEvent, SNSEventRecord } from "aws-lambda";

export type SesFixture =
  | "event-bounce-permanent"
  | "event-bounce-transient"
  | "event-complaint"
  | "event-delivery"
  | "event-send"
  | "event-reject"
  | "event-delivery-delay"
  | "notification-bounce-dsn"
  | "notification-bounce-no-dsn"
  | "notification-complaint"
  | "notification-delivery";

/** The sample recipient of the `event-*` fixtures. */
export const SAMPLE_RECIPIENT = "recipient@example.com";

/** A fresh copy of a fixture, as parsed JSON. */
export function sesFixture(name: SesFixture): any {
  return JSON.parse(readFileSync(new URL(`../fixtures/ses/${name}.json`, import.meta.url), "utf8"));
}

/**
 * An `event-*` fixture aimed at one reader: the sample recipient becomes `to`, and the trace headers name
 * `digestId` and `subscriberId` (a header whose value is `null` is removed: `digestId: null` is transactional email).
 */
export function aimedAt(
  name: SesFixture,
  target: { to: string; digestId?: string | null; subscriberId?: string | null },
): any {
  const message = JSON.parse(JSON.stringify(sesFixture(name)).replaceAll(SAMPLE_RECIPIENT, target.to));
  const values: Record<string, string | null | undefined> = {
    "X-Tidings-Digest": target.digestId,
    "X-Tidings-Delivery": target.subscriberId,
  };
  if (message.mail.headers) {
    message.mail.headers = message.mail.headers
      .map((header: { name: string; value: string }) =>
        header.name in values && values[header.name] !== undefined ? { ...header, value: values[header.name] } : header,
      )
      .filter((header: { value: unknown }) => header.value !== null);
  }
  return message;
}

/** One SNS record as Lambda receives it, carrying `message` (an object is sent as its JSON). */
export function snsRecord(message: unknown, messageId: string = randomUUID()): SNSEventRecord {
  return {
    EventVersion: "1.0",
    EventSource: "aws:sns",
    EventSubscriptionArn: "arn:aws:sns:us-east-1:123456789012:SesEvents:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
    Sns: {
      Type: "Notification",
      MessageId: messageId,
      TopicArn: "arn:aws:sns:us-east-1:123456789012:SesEvents",
      Subject: "Amazon SES Email Event Notification",
      Message: typeof message === "string" ? message : JSON.stringify(message),
      Timestamp: new Date().toISOString(),
      SignatureVersion: "1",
      Signature: "EXAMPLE",
      SigningCertUrl: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-EXAMPLE.pem",
      UnsubscribeUrl: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=EXAMPLE",
      MessageAttributes: {},
    },
  };
}

/** An SNS event of one record per message. */
export function snsEvent(...messages: unknown[]): SNSEvent {
  return { Records: messages.map((message) => snsRecord(message)) };
}
