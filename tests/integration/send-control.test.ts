/**
 * Cancel and resume on the queue, a page at a time (core/delivery/control.ts): the request answers at once with the
 * digest's new status, and page messages settle (cancel) or re-enqueue (resume) its open delivery batches,
 * `CONTROL_PAGE_SIZE` batches (not recipients) to a page. Page messages
 * arrive duplicated, and late copies arrive after the chain moved on; one is lost and the recovery sweep takes the
 * chain up again. A cancelled digest ends with nothing queued and sends nothing more; a resumed one sends every
 * recipient exactly once.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Delivery from "../../core/delivery";
import { CONTROL_PAGE_SIZE, CONTROL_STALL_MS } from "../../core/delivery/control";
import type { ControlMessage, QueueMessage, SendMessage } from "../../core/delivery/messages";
import type { Step } from "../../core/delivery/send";
import * as Queue from "../../core/queue";
import { drain, pending } from "../../scripts/local-worker";
import { deliveriesOf, recipientsOf, workSendQueue } from "../helpers/deliveries";
import { editor, publish } from "../helpers/editor";
import { createDigest, saveSubscribers } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailboxes } from "../helpers/mail";

useLocalStack();

class DiedError extends Error {}

const bucket = new Delivery.TokenBucket(1000);
/** Control pages are worked past any claim's lease, so a dead worker's claim is open to settle. */
const pastLeases = () => new Date(Date.now() + Delivery.LEASE_MS + 1000);

interface DigestView {
  status: string;
  counts: Record<string, number>;
  control?: { action: string; done: boolean };
}

const show = async (digestId: string) =>
  ((await (await editor("GET", `/api/digests/${digestId}`)).json()) as { digest: DigestView }).digest;

/** Works the send queue by hand until it is empty, handing each message to `handle`, then deleting it. */
async function workByHand(handle: (message: QueueMessage, body: string) => Promise<void>) {
  const emptied = await workSendQueue(async ({ body }) => handle(JSON.parse(body) as QueueMessage, body));
  if (!emptied) throw new Error("the queue never emptied");
}

async function handle(
  body: string,
  options: { now?: () => Date; after?: (step: Step, subscriberId: string) => void; inFlight?: number } = {},
) {
  return Delivery.handleRecords([{ id: "by-hand", body }], { bucket, ...options });
}

/**
 * Page messages handled twice each, and a copy of each put back on the queue to arrive later. Answers the pages
 * (their positions) handled, first copies only.
 */
function duplicatingPages(now: () => Date, lose: (message: ControlMessage, page: number) => boolean = () => false) {
  const pages: string[] = [];
  const copies = new Set<string>();
  return {
    pages,
    async control(message: ControlMessage, body: string) {
      if (copies.has(body)) return void (await handle(body, { now })); // a late copy: must change nothing
      if (lose(message, pages.length)) return;
      pages.push(`${message.status}:${message.cursor ?? ""}`);
      expect(await handle(body, { now })).toEqual([]);
      expect(await handle(body, { now })).toEqual([]);
      copies.add(body);
      await Queue.enqueue([message]);
    },
  };
}

/** The ids of the digest's open batches, in the order control pages walk them (strongly consistent). */
async function openBatchIds(digestId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await Db.DeliveryBatches.openPage(digestId, { cursor, consistent: true });
    ids.push(...page.batchIds);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return ids;
}

/** How many control pages walk `open` batches: one per `CONTROL_PAGE_SIZE`, and one more that finds none left. */
const pagesFor = (open: number) => [Math.ceil(open / CONTROL_PAGE_SIZE), Math.floor(open / CONTROL_PAGE_SIZE) + 1] as const;

/** Starts a send and plans it, keeping its send messages aside (as if their workers were yet to get to them). */
async function planned(digestId: string): Promise<SendMessage[]> {
  expect((await editor("POST", `/api/digests/${digestId}/send`)).status).toBe(202);
  const aside: SendMessage[] = [];
  await workByHand(async (message, body) => {
    if (message.kind === "send") aside.push(message);
    else expect(await handle(body)).toEqual([]);
  });
  return aside;
}

describe("cancelling a send, a page at a time", () => {
  it("settles every queued delivery and an expired claim skipped, under duplicated pages, and sends nothing more", async () => {
    const since = Date.now();
    await publish({ housing: "Housing" }, [{ id: "control-story", title: "A story", topics: ["housing"] }]);
    const subscribers = await saveSubscribers(Array.from({ length: 300 }, () => ({})));
    const { id: digestId } = await createDigest({ period: "2034-W01" });
    const aside = await planned(digestId);

    // Two send messages (batches) are sent; a worker dies holding a third batch, whose message is then lost. A
    // worker claims its whole batch in one write, so dying right after the claim (at its first recipient) leaves
    // every recipient of the batch `sending` under a claim that will run out, nothing recorded (before batches,
    // this held one recipient alone).
    for (const message of aside.slice(0, 2)) expect(await handle(JSON.stringify(message))).toEqual([]);
    const sent = (await recipientsOf(aside[0]!)).length + (await recipientsOf(aside[1]!)).length;
    const held = await recipientsOf(aside[2]!);
    expect(held.length).toBeGreaterThanOrEqual(2);
    const after = (step: Step, subscriberId: string) => {
      if (step === "claim" && subscriberId === held[0]) throw new DiedError("died");
    };
    expect(await handle(JSON.stringify(aside[2]), { after })).toHaveLength(1);
    for (const subscriberId of held) {
      expect(await Db.Deliveries.get(digestId, subscriberId), subscriberId).toMatchObject({ status: "sending", attempts: 1, claimId: expect.any(String) });
    }
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ sent, sending: held.length, queued: 300 - sent - held.length });
    // Every batch kept aside has a queued recipient (only those get a send message); all but the two sent are open.
    const open = await openBatchIds(digestId);
    expect(new Set(open)).toEqual(new Set(aside.slice(2).map((message) => message.batchId)));

    // The request answers at once: cancelled, with what is still queued, the cancel not yet worked through.
    const answer = await editor("POST", `/api/digests/${digestId}/cancel`);
    expect(answer.status).toBe(200);
    const { digest: cancelled } = (await answer.json()) as { digest: DigestView };
    expect(cancelled).toMatchObject({ status: "cancelled", control: { action: "cancel", done: false } });
    expect(cancelled.counts.queued).toBe(300 - sent - held.length);
    expect(await show(digestId)).toMatchObject({ status: "cancelled", control: { done: false } });

    const pages = duplicatingPages(pastLeases);
    await workByHand(async (message, body) => {
      expect(message.kind).toBe("control");
      await pages.control(message as ControlMessage, body);
    });
    // A page per CONTROL_PAGE_SIZE open batches. The walk has one phase now: open batches hold both the queued
    // recipients and the dead worker's (`sending`), so there is no `sending:` page after the `queued:` ones.
    const [fewest, most] = pagesFor(open.length);
    expect(pages.pages.length).toBeGreaterThanOrEqual(fewest);
    expect(pages.pages.length).toBeLessThanOrEqual(most);
    expect(pages.pages[0]).toBe("queued:");
    for (const page of pages.pages) expect(page).toMatch(/^queued:/);
    expect(new Set(pages.pages).size).toBe(pages.pages.length);

    const records = await deliveriesOf(digestId);
    expect(records.size).toBe(300);
    for (const delivery of records.values()) {
      if (delivery.status !== "sent") expect(delivery, delivery.subscriberId).toMatchObject({ status: "skipped", reason: "cancelled" });
    }
    for (const subscriberId of held) {
      expect(records.get(subscriberId), subscriberId).toMatchObject({ status: "skipped", reason: "cancelled" });
      expect(records.get(subscriberId)?.claimId).toBeUndefined();
    }
    expect(await openBatchIds(digestId)).toEqual([]);
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ sent, skipped: 300 - sent, queued: 0, sending: 0 });
    expect(await show(digestId)).toMatchObject({ status: "cancelled", control: { action: "cancel", done: true } });

    // The send messages kept aside arrive at last (and the sweep runs): nothing more is sent.
    await Queue.enqueue(aside);
    await Delivery.recoverAll(new Date(Date.now() + CONTROL_STALL_MS + 1000));
    await drain({ workers: 2, bucket });
    const mail = await mailboxes(since);
    expect(subscribers.reduce((sum, s) => sum + (mail.get(s.email.toLowerCase())?.length ?? 0), 0)).toBe(sent);
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ sent, skipped: 300 - sent, queued: 0, sending: 0 });
  });

  it("is taken up by the recovery sweep when a page message is lost", async () => {
    await saveSubscribers(Array.from({ length: 150 }, () => ({})));
    const { id: digestId } = await createDigest({ period: "2034-W02" });
    await planned(digestId); // its send messages never arrive: everything stays queued
    const queued = (await Db.Deliveries.countByStatus(digestId)).queued;
    // More open batches than two pages hold, so the chain has pages left after the lost one.
    const open = await openBatchIds(digestId);
    expect(open.length).toBeGreaterThan(2 * CONTROL_PAGE_SIZE);
    const firstPage = open.slice(0, CONTROL_PAGE_SIZE);
    const firstPageRecipients = (await Promise.all(firstPage.map((batchId) => recipientsOf({ digestId, batchId })))).flat();

    expect((await editor("POST", `/api/digests/${digestId}/cancel`)).status).toBe(200);
    const pages = duplicatingPages(() => new Date(), (_, page) => page === 1); // the second page is lost
    await workByHand(async (message, body) => pages.control(message as ControlMessage, body));
    expect(pages.pages).toHaveLength(1);
    // The first page settled its CONTROL_PAGE_SIZE batches, every recipient in them, and nothing else.
    expect((await Db.Deliveries.countByStatus(digestId)).queued).toBe(queued - firstPageRecipients.length);
    for (const subscriberId of firstPageRecipients) {
      expect(await Db.Deliveries.get(digestId, subscriberId), subscriberId).toMatchObject({ status: "skipped", reason: "cancelled" });
    }
    expect(await openBatchIds(digestId)).toEqual(open.slice(CONTROL_PAGE_SIZE));
    expect(await show(digestId)).toMatchObject({ control: { done: false } });

    // A sweep before the chain counts as stalled leaves it; one after takes it up where it stopped.
    await Delivery.recoverAll(new Date());
    expect(await pending()).toBe(0);
    await Delivery.recoverAll(new Date(Date.now() + CONTROL_STALL_MS + 1000));
    await drain({ workers: 1, bucket });
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ sent: 0, skipped: queued, queued: 0, sending: 0 });
    expect(await openBatchIds(digestId)).toEqual([]);
    expect(await show(digestId)).toMatchObject({ status: "cancelled", control: { action: "cancel", done: true } });
  });
});

describe("resuming a paused send, a page at a time", () => {
  it("puts every queued delivery back on the queue under duplicated pages, and each recipient gets exactly one email", async () => {
    const since = Date.now();
    await publish({ housing: "Housing" }, [{ id: "resume-story", title: "Another story", topics: ["housing"] }]);
    const subscribers = await saveSubscribers(Array.from({ length: 250 }, () => ({ frequency: "daily" as const })));
    const { id: digestId } = await createDigest({ frequency: "daily", period: "2034-01-09" });
    const aside = await planned(digestId);
    // Paused before any of its send messages were worked (workers drop those of a paused digest).
    const digest = (await Db.Digests.get(digestId))!;
    expect(await Db.Digests.transition(digest, ["sending"], "paused", { pauseReason: "paused for the test" })).toBeDefined();

    const answer = await editor("POST", `/api/digests/${digestId}/send`);
    expect(answer.status).toBe(202);
    const { digest: resumed } = (await answer.json()) as { digest: DigestView };
    expect(resumed).toMatchObject({ status: "sending", control: { action: "resume", done: false } });
    expect(resumed.counts.queued).toBe(250);
    const open = await openBatchIds(digestId);
    expect(new Set(open)).toEqual(new Set(aside.map((message) => message.batchId)));

    const pages = duplicatingPages(() => new Date());
    await workByHand(async (message, body) => {
      if (message.kind === "control") await pages.control(message, body);
      else expect(await handle(body)).toEqual([]);
    });
    // A page per CONTROL_PAGE_SIZE open batches (each page's send messages, one per batch, were enqueued twice).
    const [fewest, most] = pagesFor(open.length);
    expect(pages.pages.length).toBeGreaterThanOrEqual(fewest);
    expect(pages.pages.length).toBeLessThanOrEqual(most);
    // The send messages of before the pause arrive late: they change nothing.
    await Queue.enqueue(aside);
    await drain({ workers: 2, bucket });

    const mail = await mailboxes(since);
    for (const subscriber of subscribers) expect(mail.get(subscriber.email.toLowerCase()), subscriber.id).toHaveLength(1);
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ sent: 250, queued: 0, sending: 0 });
    expect(await show(digestId)).toMatchObject({ status: "sent", control: { action: "resume", done: true } });
  });
});
