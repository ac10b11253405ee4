/**
 * The reminder before grace ends (`remindGrace`, run by the lifecycle schedule), against the local stack and the
 * fake Stripe, the clock moved: sent once per debt when grace ends within GRACE_REMINDER_DAYS (2), with the
 * card-update link and the date benefits end; not before, not after grace ended, not once the debt is paid, not to
 * a bounced address; in the patron's language.
 */
import { describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import { runLifecycle } from "../../core/lifecycle";
import * as Patrons from "../../core/patrons";
import { remindGrace } from "../../core/patrons/reminders";
import * as Tokens from "../../core/tokens";
import { saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom, uniqueEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event, invoice } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe(); // GRACE_DAYS = 7

const DAY = 24 * 60 * 60 * 1000;
const seconds = (ms: number) => Math.floor(ms / 1000);
const reminders = async (email: string) => (await mailTo(email)).filter((m) => /membership ends on|закінчується/.test(m.subject));

/** A patron whose renewal failed `daysAgo` days ago (grace until 7 days after): in grace, past due at Stripe. */
async function inGrace(name: string, options: { daysAgo?: number; language?: string } = {}) {
  const subscriber = await saveSubscriber({ email: uniqueEmail(name), ...(options.language && { language: options.language }) });
  const failedAt = Date.now() - (options.daysAgo ?? 1) * DAY;
  const member = stripeMember(stripe.fake, {
    email: subscriber.email,
    subscription: { status: "active", priceId: "price_coffee", periodStart: new Date(failedAt), metadata: { subscriberId: subscriber.id } },
  });
  expect((await deliver(event("customer.subscription.created", member.subscription))).status).toBe(200);
  const unpaid = invoice({ customer: member.customer.id, subscription: member.subscription.id, status: "open", created: seconds(failedAt) });
  stripe.fake.invoices.set(unpaid.id, unpaid);
  stripe.fake.put({ ...member.subscription, status: "past_due" });
  expect((await deliver(event("invoice.payment_failed", unpaid))).status).toBe(200);
  const patron = await Patrons.get(subscriber.id);
  expect(patron?.status).toBe("grace");
  return { subscriber, ...member, unpaid, graceUntil: Date.parse(patron!.graceUntil!) };
}

describe("the grace reminder", () => {
  it("not before the reminder window; once inside it, whatever the runs; not after grace ended", async () => {
    const { subscriber, customer, graceUntil } = await inGrace("remind-window");
    expect((await remindGrace(new Date(graceUntil - 3 * DAY))).reminded).not.toContain(subscriber.id);
    expect(await reminders(subscriber.email)).toHaveLength(0);

    const inside = new Date(graceUntil - 2 * DAY + 60_000);
    // Two runs at once (the hourly schedule beside a retried one), then the next hours' runs.
    const runs = await Promise.all([remindGrace(inside), remindGrace(inside)]);
    expect(runs.filter((run) => run.reminded.includes(subscriber.id))).toHaveLength(1);
    await remindGrace(new Date(graceUntil - DAY));
    await remindGrace(new Date(graceUntil - 60_000));
    expect((await remindGrace(new Date(graceUntil + 60_000))).reminded).not.toContain(subscriber.id);

    const sent = await reminders(subscriber.email);
    expect(sent).toHaveLength(1);
    // The date benefits end, and the card-update link for their customer.
    const endsOn = new Date(graceUntil).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    expect(sent[0]!.subject).toContain(endsOn);
    // (Signed at the moved clock: verified at it.)
    expect(Tokens.verify(tokenFrom(sent[0]!, "/billing/update"), "billing-update", inside).subject).toBe(`${subscriber.id}~${customer.id}`);
    expect(sent[0]!.body.text).toContain(Config.get().POSTAL_ADDRESS); // the footer
  });

  it("the lifecycle schedule sends it; the clock past grace's end sends none to a patron never reminded", async () => {
    const late = await inGrace("remind-late", { daysAgo: 6.9 }); // grace ends in a few hours
    expect((await remindGrace(new Date(late.graceUntil + 1000))).reminded).not.toContain(late.subscriber.id);
    const due = await inGrace("remind-cron");
    // The schedule's other jobs (win-back, the welcome series) are tested with their own data.
    await runLifecycle(new Date(due.graceUntil - DAY)).catch(() => undefined);
    expect(await reminders(due.subscriber.email)).toHaveLength(1);
    expect(await reminders(late.subscriber.email)).toHaveLength(0);
  });

  it("none once the debt is paid, even inside the window; none to a bounced address", async () => {
    const paid = await inGrace("remind-paid");
    paid.unpaid.status = "paid";
    stripe.fake.put({ ...paid.subscription, status: "active" });
    expect((await deliver(event("invoice.paid", paid.unpaid))).status).toBe(200);
    expect((await Patrons.get(paid.subscriber.id))?.status).toBe("active");

    const bounced = await inGrace("remind-bounced");
    await Db.Subscribers.save({ ...(await Db.Subscribers.get(bounced.subscriber.id))!, status: "bounced" }, await Db.Subscribers.get(bounced.subscriber.id));

    const at = new Date(Math.max(paid.graceUntil, bounced.graceUntil) - DAY);
    const run = await remindGrace(at);
    expect(run.reminded).not.toContain(paid.subscriber.id);
    expect(run.reminded).not.toContain(bounced.subscriber.id);
    expect(await reminders(paid.subscriber.email)).toHaveLength(0);
    expect(await reminders(bounced.subscriber.email)).toHaveLength(0);
  });

  it("a Ukrainian patron is reminded in Ukrainian; a new debt after paying gets its own reminder", async () => {
    const { subscriber, subscription, customer, unpaid, graceUntil } = await inGrace("remind-uk", { language: "uk" });
    await remindGrace(new Date(graceUntil - DAY));
    const [first] = await reminders(subscriber.email);
    expect(first!.subject).toMatch(/Ваше членство в .* закінчується/);
    expect(first!.body.text).toMatch(/Оновити спосіб оплати/);

    // Paid, then the next renewal fails: another debt, another reminder when its grace nears its end.
    unpaid.status = "paid";
    stripe.fake.put({ ...subscription, status: "active" });
    expect((await deliver(event("invoice.paid", unpaid))).status).toBe(200);
    const next = invoice({ customer: customer.id, subscription: subscription.id, status: "open", created: seconds(Date.now()) });
    stripe.fake.invoices.set(next.id, next);
    stripe.fake.put({ ...subscription, status: "past_due" });
    expect((await deliver(event("invoice.payment_failed", next))).status).toBe(200);
    const nextGrace = Date.parse((await Patrons.get(subscriber.id))!.graceUntil!);
    expect(nextGrace).toBeGreaterThan(graceUntil);
    await remindGrace(new Date(nextGrace - DAY));
    await remindGrace(new Date(nextGrace - DAY));
    expect(await reminders(subscriber.email)).toHaveLength(2);
  });
});
