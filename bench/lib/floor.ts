/**
 * What every email costs Tidings' process before any bookkeeping: rendering its copy from the prepared digest,
 * composing the MIME (nodemailer) and the SendRawEmail call (the AWS SDK: signing, encoding, the answer), measured
 * on the same digest and readers as the send, one email after another, in this process. The send's CPU per email
 * less these is what the ledger, the queue and the pacing cost.
 */
import * as Db from "../../core/db";
import { preparedFor } from "../../core/delivery/prepared";
import * as Digests from "../../core/digests";
import * as Email from "../../core/email";
import { compose } from "../../core/email/mime";

export interface Floor {
  emails: number;
  /** CPU ms per email. */
  renderMs: number;
  composeMs: number;
  sesCallMs: number;
  bytes: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

export async function measureFloor(digestId: string, sample = 600): Promise<Floor> {
  const digest = (await Db.Digests.get(digestId))!;
  const subscribers: Digests.AddressedRecipient[] = [];
  for await (const subscriber of Db.Subscribers.byStatus("active", "weekly")) {
    const [reader] = await Digests.readersFor([subscriber]);
    subscribers.push(reader!);
    if (subscribers.length === sample) break;
  }
  const render = await import("../../core/digests/render");
  const messages: Email.Message[] = [];
  let started = process.cpuUsage();
  for (const reader of subscribers) {
    const message = render.digestMessage(await preparedFor(digest, reader), reader);
    if (message) messages.push(message);
  }
  const renderMs = cpuMs(started) / messages.length;
  // Warm both paths first (the SDK's first call and nodemailer's first message load code).
  for (const message of messages.slice(0, 20)) await Email.send(message);
  started = process.cpuUsage();
  let bytes = 0;
  for (const message of messages) bytes += (await compose(message)).length;
  const composeMs = cpuMs(started) / messages.length;
  started = process.cpuUsage();
  for (const message of messages) await Email.send(message);
  const sendMs = cpuMs(started) / messages.length;
  return { emails: messages.length, renderMs, composeMs, sesCallMs: sendMs - composeMs, bytes: bytes / messages.length };
}
