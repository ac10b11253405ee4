/**
 * Membership on the pages: joining (`/join`, the digests' "Become a patron" links land here) and the account
 * page's membership section, whose "Manage billing" button opens Stripe's Billing Portal.
 */
import { currentPrices, priceOfTier, tierName, type Price, type Tier } from "../../../core/config";
import * as Patrons from "../../../core/patrons";
import { currentLanguage, t, tr } from "../language";
import { Layout } from "./layout";

/** A day in the page's language ("31 December 2026"; "31 грудня 2026 р."), as UTC. */
const date = (iso: string | undefined) => (iso ? tr().date(iso, { dateStyle: "long", timeZone: "UTC" }) : "");

/** A price in words in the page's language ("€5 a month"; "5 € на місяць"). Tier names are configuration, shown as they are. */
const priceInWords = (price: Parameters<typeof Patrons.priceInWords>[0]) => Patrons.priceInWords(price, currentLanguage());

/** A choice's value on the join page: the tier, interval and currency (`POST /join` reads it as `plan`). */
export const planValue = (tier: Tier, price: Price) => `${tier.id}/${price.interval}/${price.currency}`;

/**
 * `/join`: choose a tier and one of its current prices (one radio group, so one choice; each tier's prices under
 * its name), the first price of the tier the link named preselected, and continue to Stripe Checkout.
 */
export function JoinPage(props: { tiers: readonly Tier[]; selected?: string; email?: string; source?: string; promotionCode?: string }) {
  const selected = props.tiers.find((t) => t.id === props.selected) ?? props.tiers[0];
  const checked = selected && planValue(selected, currentPrices(selected)[0]!);
  return (
    <Layout title={t("membership.join.title")}>
      <h1>{t("membership.join.title")}</h1>
      <p>{t("membership.join.intro")}</p>
      <form method="post" action="/join">
        {props.source && <input type="hidden" name="source" value={props.source} />}
        {props.promotionCode && <input type="hidden" name="promo" value={props.promotionCode} />}
        {props.promotionCode && <p class="note">{t("winback.join.promo", { code: props.promotionCode })}</p>}
        {props.tiers.map((tier) => (
          <fieldset>
            <legend>{tierName(tier, currentLanguage())}</legend>
            {tier.trialDays !== undefined && <p class="note">{t("membership.join.trial", { days: tier.trialDays })}</p>}
            {currentPrices(tier).map((price) => {
              const value = planValue(tier, price);
              const id = `plan-${value.replaceAll("/", "-")}`;
              const saving = Patrons.yearlySaving(tier, price, currentLanguage());
              return (
                <div class="check">
                  <input type="radio" id={id} name="plan" value={value} checked={value === checked} required />{" "}
                  <label for={id}>{saving ? t("membership.join.choice", { price: priceInWords(price), saving }) : priceInWords(price)}</label>
                </div>
              );
            })}
          </fieldset>
        ))}
        {props.email ? (
          <p>{tr().rich("membership.join.as", { email: props.email, strong: (chunks) => <strong>{chunks}</strong> })}</p>
        ) : (
          <>
            <label for="email">{t("membership.join.email")}</label>
            <input type="email" id="email" name="email" required maxlength={254} autocomplete="email" />
            <p class="note">{tr().rich("membership.join.signinFirst", { link: (chunks) => <a href="/login">{chunks}</a> })}</p>
          </>
        )}
        <p>
          <button type="submit">{t("membership.join.submit")}</button>
        </p>
        <p class="note">{t("membership.join.stripe")}</p>
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
    <Layout title={t("membership.sent.title")}>
      <h1>{t("membership.sent.title")}</h1>
      <p>{t("membership.sent.body")}</p>
      <p class="note">{tr().rich("membership.sent.again", { link: (chunks) => <a href="/join">{chunks}</a> })}</p>
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
      <h2>{t("membership.section.title")}</h2>
      {holding ? (
        <>
          <p>
            {patron.status === "comped"
              ? tr().rich("membership.section.comped", { tier: tierName(tier, currentLanguage()), strong })
              : tr().rich("membership.section.patron", { tier: tierName(tier, currentLanguage()), price: priceInWords(priceOfTier(tier, patron.stripePriceId)), strong })}
          </p>
          {patron.status === "active" && patron.cancelAtPeriodEnd && <p>{t("membership.section.ends", { date: date(patron.currentPeriodEnd) })}</p>}
          {patron.status === "active" && !patron.cancelAtPeriodEnd && patron.currentPeriodEnd && (
            <p>{t("membership.section.renews", { date: date(patron.currentPeriodEnd) })}</p>
          )}
          {patron.status === "grace" && <p class="error">{t("membership.section.grace", { date: date(patron.graceUntil) })}</p>}
          {patron.status === "comped" && <p>{t("membership.section.given", { date: date(patron.compedUntil) })}</p>}
        </>
      ) : (
        <p>
          {patron?.status === "lapsed"
            ? tr().rich("membership.section.lapsed", { date: date(patron.lapsedAt), link: joinLink })
            : tr().rich("membership.section.join", { link: joinLink })}
        </p>
      )}
      {patron?.stripeCustomerId && (
        <form method="post" action="/account/billing">
          <p>
            <button type="submit">{t("membership.section.billing")}</button>
          </p>
          <p class="note">{t("membership.section.billingNote")}</p>
        </form>
      )}
      {others.length > 0 && (
        <>
          <p>{t("membership.section.others", { count: others.length })}</p>
          {others.map((customer, i) => (
            <form method="post" action="/account/billing">
              <input type="hidden" name="customer" value={customer} />
              <button type="submit">
                {others.length > 1 ? t("membership.section.otherBillingNumbered", { number: i + 1 }) : t("membership.section.otherBilling")}
              </button>
            </form>
          ))}
        </>
      )}
    </section>
  );
}

const strong = (chunks: unknown) => <strong>{chunks}</strong>;
const joinLink = (chunks: unknown) => <a href="/join">{chunks}</a>;
