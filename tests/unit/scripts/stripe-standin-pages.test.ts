/**
 * The Stripe stand-in's hosted pages as HTML: labelled as a stand-in, no script anywhere, every button a POST form
 * to the stand-in itself, and whatever came from the app (names, emails, URLs, metadata) escaped.
 */
import { describe, expect, it } from "vitest";
import { checkoutPage, portalPage } from "../../../scripts/stripe-standin/pages";
import { checkoutSession, portalSession, subscription } from "../../helpers/stripe-objects";

const hostile = `"><script>alert(1)</script>`;

/** What a page must be whatever it shows. */
function expectPlain(html: string) {
  expect(html).toContain("Local Stripe stand-in — no money moves");
  expect(html).not.toMatch(/<script|javascript:|\son\w+=/i);
  for (const [, method, action] of html.matchAll(/<form method="([^"]+)" action="([^"]+)"/g)) {
    expect(method).toBe("post");
    expect(action).toMatch(/^\/(c\/pay|p\/session)\//);
  }
}

describe("the stand-in's pages", () => {
  it("Checkout shows what is bought, its amount and mode, escaped, with Pay and Cancel", () => {
    const session = Object.assign(checkoutSession({ customer: null, subscription: null, mode: "payment" }), { status: "open", customer_email: `a${hostile}@example.com` });
    const html = checkoutPage(session, [
      { id: "price_x", name: `Gift ${hostile}`, amount: 2500, currency: "eur", quantity: 2 },
      { id: "price_fee", name: "Covering the card fee", amount: 110, currency: "eur", quantity: 1 },
    ]);
    expectPlain(html);
    expect(html).toContain("<h1>Pay €51.10</h1>");
    expect(html).toContain("Covering the card fee: €1.10 (price_fee)");
    expect(html).toContain("Gift &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; × 2");
    expect(html).toContain(`action="/c/pay/${session.id}/pay"`);
    expect(html).toContain(`action="/c/pay/${session.id}/cancel"`);
    expect(html).toContain("<dd>payment</dd>");
  });

  it("Checkout of a completed session offers nothing to press", () => {
    const html = checkoutPage(checkoutSession({ customer: "cus_1", subscription: "sub_1" }), [{ id: "price_x", name: "Coffee", amount: 500, currency: "eur", interval: "month", quantity: 1 }]);
    expectPlain(html);
    expect(html).toContain("This checkout is complete");
    expect(html).not.toContain("<form");
  });

  it("the portal lists each subscription with switches to the other current prices in its currency, cancel, and a way back", () => {
    const session = portalSession({ customer: "cus_1", returnUrl: `https://news.example.org/account?x=${hostile}` });
    const running = subscription({ customer: "cus_1", status: "active", priceId: "price_coffee" });
    const prices = [
      { id: "price_coffee", name: "Coffee", amount: 500, currency: "eur", interval: "month" as const },
      { id: "price_old", name: "Coffee", amount: 400, currency: "eur", interval: "month" as const, retired: true },
      { id: "price_yearly", name: "Yearly", amount: 5000, currency: "eur", interval: "year" as const },
      { id: "price_coffee_gbp", name: "Coffee", amount: 450, currency: "gbp", interval: "month" as const },
      { id: "price_gift", name: "Gift", amount: 5000, currency: "eur" },
    ];
    const html = portalPage(session, "reader@example.com", [running], prices);
    expectPlain(html);
    expect(html).toContain("Coffee, €5.00 a month");
    expect(html).toContain("Switch to Yearly (€50.00 a year)");
    expect(html).not.toContain("price_old");
    expect(html).not.toContain("price_coffee_gbp"); // Stripe keeps a subscription in its currency
    expect(html).not.toContain("Switch to Gift");
    expect(html).toContain("Cancel subscription");
    expect(html).toContain(`href="https://news.example.org/account?x=%22%3E%3Cscript%3E`);
    expect(html).toContain(">Return to news.example.org</a>");
    expect(portalPage({ ...session, return_url: "javascript:alert(1)" }, null, [], prices)).not.toContain("<a ");
  });
});
