/**
 * Gifts on the pages: the gift form (a section of `/support`), the redeem page (`GET /gift?token=`, whose button
 * POSTs), what redeeming answers, and the buyer's gifts on `/account`. Plain forms: no JavaScript, no inline style;
 * the buyer's message is text, escaped as everything from outside.
 */
import type { JSX } from "hono/jsx/jsx-runtime";
import { ERASED_REASON, type Gift } from "../../../core/gifts";
import * as Money from "../../../core/money";
import type { MessageKey } from "../../../core/i18n";
import { currentLanguage, t, tr } from "../language";
import { MessagePage } from "./layout";

/** What a message's tag wraps (its text, and any tags inside it), for `tr().rich`. */
type Chunks = (string | JSX.Element)[];

export interface GiftTierOffer {
  id: string;
  name: string;
  /** One month's price in words, in the page's language, e.g. "€5" ("5 €"). */
  monthly: string;
}

const strong = (chunks: Chunks) => <strong>{chunks}</strong>;
const link = (href: string) => (chunks: Chunks) => <a href={href}>{chunks}</a>;
/** A day (`YYYY-MM-DD`, UTC) or a moment, as the page's language writes a date ("5 December 2026", "5 грудня 2026 р."). */
const dateOf = (value: string) => tr().date(value.length === 10 ? `${value}T00:00:00Z` : value, { dateStyle: "long", timeZone: "UTC" });

/** The gift form: a section of the support page, posting to `/gift/checkout` (→ 303 to Stripe Checkout). */
export function GiftSection(props: {
  tiers: readonly GiftTierOffer[];
  today: string;
  last: string;
  maxMonths: number;
  maxMessage: number;
  /** A signed-in buyer's address: the gift is theirs (on their account page), Checkout has it. */
  email?: string;
  /** Where the visitor came from (attribution): a hidden field of the form. */
  source?: string;
}) {
  if (props.tiers.length === 0) return <></>;
  return (
    <section aria-labelledby="give-a-membership">
      <h2 id="give-a-membership">{t("gifts.form.heading")}</h2>
      <p>{t("gifts.form.intro")}</p>
      <form method="post" action="/gift/checkout">
        {props.source && <input type="hidden" name="source" value={props.source} />}
        <label for="gift-tier">{t("gifts.form.tier")}</label>
        <select id="gift-tier" name="tier" required>
          {props.tiers.map((tier) => (
            <option value={tier.id}>{t("gifts.form.tierOption", { tier: tier.name, monthly: tier.monthly })}</option>
          ))}
        </select>
        <label for="gift-months">{t("gifts.form.months", { max: props.maxMonths })}</label>
        <input type="number" id="gift-months" name="months" min={1} max={props.maxMonths} value="3" required />
        <label for="gift-recipient">{t("gifts.form.recipient")}</label>
        <input type="email" id="gift-recipient" name="recipientEmail" maxlength={254} required autocomplete="off" />
        <label for="gift-name">{t("gifts.form.name")}</label>
        <input type="text" id="gift-name" name="recipientName" maxlength={100} autocomplete="off" />
        <label for="gift-message">{t("gifts.form.message", { max: props.maxMessage })}</label>
        <textarea id="gift-message" name="message" maxlength={props.maxMessage} rows={4}></textarea>
        <label for="gift-date">{t("gifts.form.date")}</label>
        <input type="date" id="gift-date" name="deliverOn" min={props.today} max={props.last} value={props.today} required />
        {props.email ? (
          <p>{tr().rich("gifts.form.as", { email: props.email, strong })}</p>
        ) : (
          <>
            <label for="gift-email">{t("gifts.form.email")}</label>
            <input type="email" id="gift-email" name="email" maxlength={254} autocomplete="email" />
          </>
        )}
        <p>
          <button type="submit">{t("gifts.form.submit")}</button>
        </p>
      </form>
    </section>
  );
}

/** The redeem page: what the gift is, the buyer's message, and the button that redeems it. */
export function GiftPage(props: { token: string; gift: Gift; tierName: string }) {
  const { gift } = props;
  if (gift.status === "redeemed") return <GiftRedeemedPage gift={gift} tierName={props.tierName} already />;
  return (
    <MessagePage title={t("gifts.page.title")}>
      <p>{tr().rich("gifts.page.given", { months: gift.months, tier: props.tierName, strong })}</p>
      {gift.message && (
        <blockquote>
          <p>{gift.message}</p>
        </blockquote>
      )}
      <form method="post" action="/gift">
        <input type="hidden" name="token" value={props.token} />
        <div class="check">
          <input type="checkbox" id="subscribe" name="subscribe" value="on" />{" "}
          <label for="subscribe">{t("gifts.page.subscribe")}</label>
        </div>
        <p>
          <button type="submit">{t("gifts.page.redeem")}</button>
        </p>
      </form>
      <p class="note">{t("gifts.page.note", { months: gift.months })}</p>
    </MessagePage>
  );
}

export function GiftRedeemedPage(props: { gift: Gift; tierName: string; already?: boolean }) {
  const ends = props.gift.endsAt ? dateOf(props.gift.endsAt) : "";
  return (
    <MessagePage title={t(props.already ? "gifts.redeemed.alreadyTitle" : "gifts.redeemed.title")}>
      <p>{t(props.already ? "gifts.redeemed.already" : "gifts.redeemed.body", { tier: props.tierName, ends })}</p>
      <p>{tr().rich("gifts.redeemed.next", { topics: link("/topics"), signin: link("/login") })}</p>
    </MessagePage>
  );
}

const statusKeys: Record<Gift["status"], MessageKey> = {
  paid: "gifts.status.paid",
  delivered: "gifts.status.delivered",
  redeemed: "gifts.status.redeemed",
  void: "gifts.status.void",
};
const statusOf = (gift: Gift) => t(gift.status === "void" && gift.voidReason === ERASED_REASON ? "gifts.status.erased" : statusKeys[gift.status]);

/**
 * "Gifts you gave": on the buyer's account page, newest first; the recipient's address masked (none once erased).
 * The account page has spoken to its reader's language before this renders.
 */
export function GiftsSection(props: { gifts: ReadonlyArray<{ gift: Gift; tierName: string; recipient?: string }> }) {
  const language = currentLanguage();
  return (
    <section aria-labelledby="your-gifts">
      <h2 id="your-gifts">{t("gifts.given.heading")}</h2>
      <ul>
        {props.gifts.map(({ gift, tierName, recipient }) => (
          <li>
            {t("gifts.given.item", {
              months: gift.months,
              tier: tierName,
              amount: Money.format(gift.amount, gift.currency, { language }),
              recipient: recipient ?? t("gifts.given.erased"),
              date: dateOf(gift.deliverOn),
              status: statusOf(gift),
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}
