/**
 * Reading Stripe's objects in the pinned API version's shape and in older ones' (a webhook endpoint set to an
 * older version sends those): the older shapes are Stripe's own examples with the fields moved back where the
 * changelog says they were before 2025-03-31.basil.
 */
import { describe, expect, it } from "vitest";
import type Stripe from "stripe";
import { chargeIdOf, invoiceOfCharge, periodOf, subscriptionOfInvoice } from "../../../core/stripe/objects";
import { charge, dispute, invoice, refund, subscription } from "../../helpers/stripe-objects";

/** An invoice as versions before basil render it: `subscription` on the invoice, no `parent`. */
function olderInvoice(subscriptionField: string | { id: string } | null): Stripe.Invoice {
  const { parent, ...rest } = invoice({ customer: "cus_1", subscription: null });
  return { ...rest, subscription: subscriptionField } as unknown as Stripe.Invoice;
}

describe("an invoice's subscription", () => {
  it("is under parent.subscription_details in the pinned version; a one-off invoice has none", () => {
    expect(subscriptionOfInvoice(invoice({ customer: "cus_1", subscription: "sub_1" }))).toBe("sub_1");
    expect(subscriptionOfInvoice(invoice({ customer: "cus_1", subscription: null }))).toBeUndefined();
  });

  it("is invoice.subscription in older versions, an id or expanded; a one-off invoice's is null", () => {
    expect(subscriptionOfInvoice(olderInvoice("sub_2"))).toBe("sub_2");
    expect(subscriptionOfInvoice(olderInvoice({ id: "sub_3" }))).toBe("sub_3");
    expect(subscriptionOfInvoice(olderInvoice(null))).toBeUndefined();
  });
});

describe("a charge's invoice", () => {
  it("is not on the charge in the pinned version (an invoice payment links them)", () => {
    expect(invoiceOfCharge(charge({ customer: "cus_1" }))).toBeUndefined();
  });

  it("is charge.invoice in older versions", () => {
    expect(invoiceOfCharge({ ...charge({ customer: "cus_1" }), invoice: "in_1" } as Stripe.Charge)).toBe("in_1");
    expect(invoiceOfCharge({ ...charge({ customer: "cus_1" }), invoice: { id: "in_2" } } as unknown as Stripe.Charge)).toBe("in_2");
    expect(invoiceOfCharge({ ...charge({ customer: "cus_1" }), invoice: null } as Stripe.Charge)).toBeUndefined();
  });
});

describe("the charge an event is about", () => {
  const paid = charge({ id: "ch_1", customer: "cus_1" });

  it("is the charge itself, or the one a dispute or a refund names (an id or expanded)", () => {
    expect(chargeIdOf(paid)).toBe("ch_1");
    expect(chargeIdOf(dispute({ charge: paid, status: "needs_response" }))).toBe("ch_1");
    expect(chargeIdOf({ ...dispute({ charge: paid, status: "lost" }), charge: paid })).toBe("ch_1");
    expect(chargeIdOf(refund({ charge: paid }))).toBe("ch_1");
    expect(chargeIdOf({ object: "refund", charge: null })).toBeUndefined();
  });
});

describe("a subscription's period", () => {
  it("is on its item in the pinned version, on the subscription in older ones", () => {
    const current = subscription({ customer: "cus_1", status: "active", priceId: "price_coffee", periodStart: new Date("2023-11-14T22:13:20Z"), periodEnd: new Date("2023-12-14T22:13:20Z") });
    expect(periodOf(current)).toEqual({ start: "2023-11-14T22:13:20.000Z", end: "2023-12-14T22:13:20.000Z" });

    const item = { ...current.items.data[0]!, current_period_start: undefined, current_period_end: undefined };
    const older = { ...current, items: { ...current.items, data: [item] }, current_period_start: 1_600_000_000, current_period_end: 1_602_592_000 };
    expect(periodOf(older as unknown as Stripe.Subscription)).toEqual({ start: "2020-09-13T12:26:40.000Z", end: "2020-10-13T12:26:40.000Z" });
  });
});
