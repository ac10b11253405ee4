/** Reading what the SES emulator received: every sent email, as its `/store` keeps it. */
import { randomUUID } from "node:crypto";
import { ownsQueues } from "./local";

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** A fresh address no other test uses (tests share one SES emulator and run in parallel). */
export const uniqueEmail = (label = "reader") => `${label}-${randomUUID().slice(0, 8)}@example.com`;

/**
 * When this test file started (each file runs in a process of its own). Its addresses are its own, so mail to
 * them is never older; asking for less keeps a check from reading every email of the run, bodies and all, which
 * made a file's checks slower the more the files before it had sent.
 */
const FILE_STARTED = Date.now();

/**
 * Deployed, the transactional worker sends a confirmation or a sign-in link moments after it is asked for; here
 * reading mail first lets it work the file's own transactional queue (what is ready on it, unpaced: messages
 * handed back under throttling stay for later), so a test reads the inbox as the reader would find it.
 */
async function sendTransactional(): Promise<void> {
  if (!ownsQueues) return;
  const { drainTransactional } = await import("../../scripts/local-worker");
  const { TokenBucket } = await import("../../core/delivery/pacing");
  await drainTransactional({ visibleOnly: true, bucket: new TokenBucket(1000), throttleBudgetMs: 0 });
}

/** Every email sent to `address` while this test file ran, oldest first (after the transactional worker ran). */
export async function mailTo(address: string): Promise<StoredEmail[]> {
  await sendTransactional();
  const response = await fetch(`${process.env.SES_ENDPOINT}/store?since=${Math.floor(FILE_STARTED / 1000) - 1}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.filter((email) => email.destination.to.some((to) => to.toLowerCase().includes(address.toLowerCase())));
}

/** The token of the first `path?token=` link in an email's text part. */
export function tokenFrom(email: StoredEmail, path: string): string {
  const match = email.body.text?.match(new RegExp(`${path}\\?token=([^\\s>"&]+)`));
  if (!match?.[1]) throw new Error(`no ${path} link in "${email.subject}"`);
  return decodeURIComponent(match[1]);
}

/**
 * Every email the SES emulator stored since `since` (epoch ms), by recipient address (lower case). Fetched once
 * per check: the store holds every email of every test file, bodies included.
 */
export async function mailboxes(since: number): Promise<Map<string, StoredEmail[]>> {
  await sendTransactional();
  const response = await fetch(`${process.env.SES_ENDPOINT}/store?since=${Math.floor(since / 1000) - 1}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  const byRecipient = new Map<string, StoredEmail[]>();
  for (const email of emails) {
    for (const to of email.destination.to) {
      const address = (to.match(/<([^>]+)>/)?.[1] ?? to).trim().toLowerCase();
      byRecipient.set(address, [...(byRecipient.get(address) ?? []), email]);
    }
  }
  return byRecipient;
}
