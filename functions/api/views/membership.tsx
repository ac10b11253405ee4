/**
 * Membership on the pages: joining (`/join`, the digests' "Become a patron" links land here) and the account
 * page's membership section, whose "Manage billing" button opens Stripe's Billing Portal.
 */
import { currentPrices, priceOfTier, type Price, type Tier } from "../../../core/config";
import * as Patrons from "../../../core/patrons";
import { Layout } from "./layout";

const date = (iso: string | undefined) =>
  iso ? new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso)) : "";

/** A choice's value on the join page: the tier, interval and currency (`POST /join` reads it as `plan`). */
export const planValue = (tier: Tier, price: Price) => `${tier.id}/${price.interval}/${price.currency}`;

/**
 * `/join`: choose a tier and one of its current prices (one radio group, so one choice; each tier's prices under
 * its name), the first price of the tier the link named preselected, and continue to Stripe Checkout.
 */
export function JoinPage(props: { tiers: readonly Tier[]; selected?: string; email?: string }) {
  const selected = props.tiers.find((t) => t.id === props.selected) ?? props.tiers[0];
  const checked = selected && planValue(selected, currentPrices(selected)[0]!);
  return (
    <Layout title="Become a patron">
      <h1>Become a patron</h1>
      <p>Patrons keep our reporting free for everyone, and vote on the topics we cover next.</p>
      <form method="post" action="/join">
        {props.tiers.map((tier) => (
          <fieldset>
            <legend>{tier.name}</legend>
            {tier.trialDays !== undefined && <p class="note">The first {tier.trialDays} days are free.</p>}
            {currentPrices(tier).map((price) => {
              const value = planValue(tier, price);
              const id = `plan-${value.replaceAll("/", "-")}`;
              const saving = Patrons.yearlySaving(tier, price);
              return (
                <div class="check">
                  <input type="radio" id={id} name="plan" value={value} checked={value === checked} required />{" "}
                  <label for={id}>
                    {Patrons.priceInWords(price)}
                    {saving && ` (${saving})`}
                  </label>
                </div>
              );
            })}
          </fieldset>
        ))}
        {props.email ? (
          <p>
            Joining as <strong>{props.email}</strong>.
          </p>
        ) : (
          <>
            <label for="email">Your email address</label>
            <input type="email" id="email" name="email" required maxlength={254} autocomplete="email" />
            <p class="note">
              Already a subscriber or patron? <a href="/login">Sign in</a> first, so your membership joins your account.
            </p>
          </>
        )}
        <p>
          <button type="submit">Continue to payment</button>
        </p>
        <p class="note">Payment is handled by Stripe. You can change tier or cancel at any time from your account.</p>
      </form>
    </Layout>
  );
}

/**
 * After a checkout asked for an address that already holds a membership: that person was emailed a sign-in link
 * instead. Worded for whoever typed the address, so it tells them nothing about it.
 */
export function JoinSentPage() {
  return (
    <Layout title="Check your email">
      <h1>Check your email</h1>
      <p>We've sent a link to continue to that address. It works for 24 hours.</p>
      <p class="note">
        Nothing arrived after a few minutes? Look in your spam folder, or <a href="/join">start again</a>.
      </p>
    </Layout>
  );
}

/** The account page's membership section. */
export function MembershipSection(props: { patron?: Patrons.Patron; tiers: readonly Tier[]; now?: Date }) {
  const { patron } = props;
  const tier = props.tiers.find((t) => t.id === patron?.tierId);
  const holding = patron && tier && patron.status !== "lapsed";
  const others = (patron?.stripeCustomerIds ?? []).filter((customer) => customer !== patron?.stripeCustomerId);
  return (
    <section>
      <h2>Membership</h2>
      {holding ? (
        <>
          <p>
            You're a <strong>{tier.name}</strong> patron
            {patron.status === "comped" ? "" : ` (${Patrons.priceInWords(priceOfTier(tier, patron.stripePriceId))})`}. Thank you!
          </p>
          {patron.status === "active" && patron.cancelAtPeriodEnd && <p>Your membership ends on {date(patron.currentPeriodEnd)}.</p>}
          {patron.status === "active" && !patron.cancelAtPeriodEnd && patron.currentPeriodEnd && (
            <p>It renews on {date(patron.currentPeriodEnd)}.</p>
          )}
          {patron.status === "grace" && (
            <p class="error">
              Your last payment didn't go through. Your membership carries on until {date(patron.graceUntil)}: update your payment
              method to keep it.
            </p>
          )}
          {patron.status === "comped" && <p>Your membership was given to you, until {date(patron.compedUntil)}.</p>}
        </>
      ) : (
        <p>
          {patron?.status === "lapsed" ? `Your membership ended on ${date(patron.lapsedAt)}. ` : ""}
          <a href="/join">Become a patron</a>: vote on what we cover next.
        </p>
      )}
      {patron?.stripeCustomerId && (
        <form method="post" action="/account/billing">
          <p>
            <button type="submit">Manage billing</button>
          </p>
          <p class="note">Change tier, update your card, see invoices or cancel, on Stripe.</p>
        </form>
      )}
      {others.length > 0 && (
        <>
          <p>You have also paid us through {others.length === 1 ? "another billing account" : `${others.length} other billing accounts`}: check nothing there still charges you.</p>
          {others.map((customer, i) => (
            <form method="post" action="/account/billing">
              <input type="hidden" name="customer" value={customer} />
              <button type="submit">Manage other billing account{others.length > 1 ? ` ${i + 1}` : ""}</button>
            </form>
          ))}
        </>
      )}
    </section>
  );
}
