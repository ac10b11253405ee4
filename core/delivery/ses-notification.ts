/**
 * SES feedback as SNS carries it, parsed into the few facts Tidings acts on. Both shapes are read: event
 * publishing through a configuration set (`eventType`) and the older identity notifications (`notificationType`).
 * Unknown fields are ignored (SES reserves the right to add them); unknown event types parse as `other`.
 */
import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used

/** Headers and SES message tags that trace an email back to its digest and reader (set when sending). */
export const TRACE = {
  digestHeader: "x-tidings-digest",
  deliveryHeader: "x-tidings-delivery",
  digestTag: "tidings-digest",
  deliveryTag: "tidings-delivery",
} as const;

/** What the event says about the email it is about. */
export interface Mail {
  /** SES's message id. */
  sesMessageId: string;
  /** Every recipient of the email (ours have one). */
  destination: string[];
  /** From the `X-Tidings-Digest` header or the `tidings-digest` tag: absent on transactional email. */
  digestId?: string;
  /** From the `X-Tidings-Delivery` header or the `tidings-delivery` tag: the reader's subscriber id. */
  subscriberId?: string;
}

export type SesEvent =
  | {
      type: "bounce";
      /** Permanent, or transient (SES's `Transient`, and `Undetermined`, which it could not classify). */
      bounce: "permanent" | "transient";
      subType?: string;
      recipients: Array<{ email: string; detail: string }>;
      mail: Mail;
    }
  | { type: "complaint"; feedbackType?: string; recipients: string[]; mail: Mail }
  | { type: "delivery"; recipients: string[]; mail: Mail }
  /** Send, Reject, DeliveryDelay, Open, Click, …: nothing to do. */
  | { type: "other"; eventType: string };

export type Parsed = { ok: true; event: SesEvent } | { ok: false; problem: string };

const address = z.string().trim().toLowerCase().min(3).max(320);
const traceValue = (value: string | undefined) => value?.trim().slice(0, 200) || undefined;

const mailSchema = z.object({
  messageId: z.string().min(1),
  destination: z.array(address).default([]),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  tags: z.record(z.string(), z.array(z.string())).optional(),
});

const bounceSchema = z.object({
  bounceType: z.string(),
  bounceSubType: z.string().optional(),
  bouncedRecipients: z
    .array(z.object({ emailAddress: address, status: z.string().optional(), diagnosticCode: z.string().optional() }))
    .min(1),
});

const complaintSchema = z.object({
  complainedRecipients: z.array(z.object({ emailAddress: address })).min(1),
  complaintFeedbackType: z.string().optional(),
});

const deliverySchema = z.object({ recipients: z.array(address).min(1) });

/** Parses the `Sns.Message` of one record. Never throws: a malformed message answers `ok: false` with why. */
export function parseSesMessage(message: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { ok: false, problem: "not JSON" };
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) return { ok: false, problem: "not a JSON object" };
  const record = json as Record<string, unknown>;
  const eventType = record.eventType ?? record.notificationType;
  if (typeof eventType !== "string") return { ok: false, problem: "no eventType or notificationType" };
  if (!["Bounce", "Complaint", "Delivery"].includes(eventType)) return { ok: true, event: { type: "other", eventType } };

  const mail = mailSchema.safeParse(record.mail);
  if (!mail.success) return { ok: false, problem: describe("mail", mail.error) };
  const traced = trace(mail.data);

  if (eventType === "Bounce") {
    const bounce = bounceSchema.safeParse(record.bounce);
    if (!bounce.success) return { ok: false, problem: describe("bounce", bounce.error) };
    const { bounceType, bounceSubType, bouncedRecipients } = bounce.data;
    const recipients = bouncedRecipients.map(({ emailAddress, status, diagnosticCode }) => ({
      email: emailAddress,
      detail: [bounceSubType ?? bounceType, diagnosticCode ?? status].filter(Boolean).join(": "),
    }));
    const kind = bounceType === "Permanent" ? "permanent" : "transient";
    return { ok: true, event: { type: "bounce", bounce: kind, subType: bounceSubType, recipients, mail: traced } };
  }
  if (eventType === "Complaint") {
    const complaint = complaintSchema.safeParse(record.complaint);
    if (!complaint.success) return { ok: false, problem: describe("complaint", complaint.error) };
    const recipients = complaint.data.complainedRecipients.map((recipient) => recipient.emailAddress);
    return {
      ok: true,
      event: { type: "complaint", feedbackType: complaint.data.complaintFeedbackType, recipients, mail: traced },
    };
  }
  const delivery = deliverySchema.safeParse(record.delivery);
  if (!delivery.success) return { ok: false, problem: describe("delivery", delivery.error) };
  return { ok: true, event: { type: "delivery", recipients: delivery.data.recipients, mail: traced } };
}

/** The trace ids from the original headers (names compared case-insensitively), else from the message tags. */
function trace(mail: z.infer<typeof mailSchema>): Mail {
  const header = (name: string) => mail.headers?.find((h) => h.name.trim().toLowerCase() === name)?.value;
  const tag = (name: string) => mail.tags?.[name]?.[0];
  return {
    sesMessageId: mail.messageId,
    destination: mail.destination,
    digestId: traceValue(header(TRACE.digestHeader)) ?? traceValue(tag(TRACE.digestTag)),
    subscriberId: traceValue(header(TRACE.deliveryHeader)) ?? traceValue(tag(TRACE.deliveryTag)),
  };
}

/** Where and what, never the offending value (it may be an address). */
function describe(part: string, error: z.ZodError): string {
  const issue = error.issues[0];
  return `${[part, ...(issue?.path ?? [])].join(".")}: ${issue?.message ?? "invalid"}`;
}
