/** Parsing SES feedback as SNS carries it, on AWS's documented samples: event publishing and the older form. */
import { describe, expect, it } from "vitest";
import { parseSesMessage, type SesEvent } from "../../../core/delivery/ses-notification";
import { sesFixture, type SesFixture } from "../../helpers/ses";

const trace = { digestId: "weekly-2026-W48", subscriberId: "sub_01JEXAMPLE00000000000000" };
const sesMessageId = "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000";

function parsed(message: unknown): SesEvent {
  const result = parseSesMessage(typeof message === "string" ? message : JSON.stringify(message));
  if (!result.ok) throw new Error(`did not parse: ${result.problem}`);
  return result.event;
}

const fixture = (name: SesFixture) => parsed(sesFixture(name));

describe("event publishing (eventType)", () => {
  it("reads a permanent bounce: recipient, detail and the trace headers", () => {
    expect(fixture("event-bounce-permanent")).toEqual({
      type: "bounce",
      bounce: "permanent",
      subType: "General",
      recipients: [{ email: "recipient@example.com", detail: "General: smtp; 550 5.1.1 user unknown" }],
      mail: { sesMessageId, destination: ["recipient@example.com"], ...trace },
    });
  });

  it("reads a transient bounce as transient", () => {
    expect(fixture("event-bounce-transient")).toMatchObject({
      type: "bounce",
      bounce: "transient",
      subType: "MailboxFull",
      recipients: [{ email: "recipient@example.com", detail: "MailboxFull: smtp; 452 4.2.2 Mailbox full" }],
    });
  });

  it("reads a complaint with its feedback type, and a delivery", () => {
    expect(fixture("event-complaint")).toEqual({
      type: "complaint",
      feedbackType: "abuse",
      recipients: ["recipient@example.com"],
      mail: { sesMessageId, destination: ["recipient@example.com"], ...trace },
    });
    expect(fixture("event-delivery")).toEqual({
      type: "delivery",
      recipients: ["recipient@example.com"],
      mail: { sesMessageId, destination: ["recipient@example.com"], ...trace },
    });
  });

  it("answers `other` for the event types it does not act on", () => {
    expect(fixture("event-send")).toEqual({ type: "other", eventType: "Send" });
    expect(fixture("event-reject")).toEqual({ type: "other", eventType: "Reject" });
    expect(fixture("event-delivery-delay")).toEqual({ type: "other", eventType: "DeliveryDelay" });
    expect(parsed({ eventType: "Subscription", mail: {} })).toEqual({ type: "other", eventType: "Subscription" });
  });
});

describe("identity notifications (notificationType)", () => {
  it("reads a bounce with a DSN and one without, each bounced recipient with its detail", () => {
    const withDsn = fixture("notification-bounce-dsn");
    expect(withDsn).toMatchObject({
      type: "bounce",
      bounce: "permanent",
      recipients: [{ email: "jane@example.com", detail: "General: smtp; 550 5.1.1 <jane@example.com>... User" }],
      mail: { destination: ["jane@example.com", "mary@example.com", "richard@example.com"], ...trace },
    });
    expect(fixture("notification-bounce-no-dsn")).toMatchObject({
      type: "bounce",
      recipients: [
        { email: "jane@example.com", detail: "General" },
        { email: "richard@example.com", detail: "General" },
      ],
      mail: { digestId: trace.digestId, subscriberId: undefined },
    });
  });

  it("reads a complaint and a delivery", () => {
    expect(fixture("notification-complaint")).toMatchObject({
      type: "complaint",
      feedbackType: "abuse",
      recipients: ["richard@example.com"],
    });
    expect(fixture("notification-delivery")).toMatchObject({
      type: "delivery",
      recipients: ["jane@example.com"],
      mail: { sesMessageId: "0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000", ...trace },
    });
  });
});

describe("tracing", () => {
  it("falls back to the message tags when the headers are missing, and compares header names in any case", () => {
    const message = sesFixture("event-bounce-permanent");
    delete message.mail.headers;
    message.mail.tags["tidings-digest"] = ["daily-2026-11-30"];
    message.mail.tags["tidings-delivery"] = ["sub_FROMTAGS"];
    expect(parsed(message)).toMatchObject({ mail: { digestId: "daily-2026-11-30", subscriberId: "sub_FROMTAGS" } });

    const shouting = sesFixture("event-complaint");
    shouting.mail.headers = [{ name: "X-TIDINGS-DIGEST", value: " weekly-2026-W01 " }];
    expect(parsed(shouting)).toMatchObject({ mail: { digestId: "weekly-2026-W01", subscriberId: undefined } });
  });

  it("has no trace on transactional email, and lower-cases addresses", () => {
    const message = sesFixture("event-delivery");
    message.mail.headers = message.mail.headers.filter((h: { name: string }) => !h.name.startsWith("X-Tidings"));
    message.delivery.recipients = ["Recipient@Example.COM"];
    expect(parsed(message)).toMatchObject({ recipients: ["recipient@example.com"], mail: { digestId: undefined } });
  });
});

describe("tolerance", () => {
  it("ignores fields it does not know", () => {
    const message = sesFixture("event-bounce-permanent");
    message.somethingNew = { nested: [1, 2] };
    message.bounce.bouncedRecipients[0].newField = true;
    message.mail.newField = "x";
    expect(parsed(message)).toMatchObject({ type: "bounce", bounce: "permanent" });
  });

  it("takes an Undetermined bounce as transient, never as permanent", () => {
    const message = sesFixture("event-bounce-permanent");
    message.bounce.bounceType = "Undetermined";
    expect(parsed(message)).toMatchObject({ type: "bounce", bounce: "transient" });
  });

  it.each([
    ["garbage", "this is {not json"],
    ["JSON but not an object", "[1,2,3]"],
    ["no event type", JSON.stringify({ mail: { messageId: "m" } })],
    ["a bounce without recipients", JSON.stringify({ eventType: "Bounce", bounce: { bounceType: "Permanent" }, mail: { messageId: "m" } })],
    ["a complaint without mail", JSON.stringify({ eventType: "Complaint", complaint: { complainedRecipients: [{ emailAddress: "a@b.c" }] } })],
    ["a delivery with a number for a recipient", JSON.stringify({ eventType: "Delivery", delivery: { recipients: [42] }, mail: { messageId: "m" } })],
  ])("refuses %s with a reason, without throwing", (_, message) => {
    const result = parseSesMessage(message);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.problem).toEqual(expect.any(String));
  });

  it("never puts an address in the reason it gives", () => {
    const result = parseSesMessage(JSON.stringify({ eventType: "Bounce", bounce: { bounceType: "Permanent", bouncedRecipients: [{ emailAddress: 7 }] }, mail: { messageId: "m", destination: ["secret@example.com"] } }));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain("secret@");
  });
});
