/**
 * Gifts on the pages: the gift form (a section of `/support`), the redeem page (`GET /gift?token=`, whose button
 * POSTs), what redeeming answers, and the buyer's gifts on `/account`. Plain forms: no JavaScript, no inline style;
 * the buyer's message is text, escaped as everything from outside.
 */
import { ERASED_REASON, type Gift } from "../../../core/gifts";
import * as Money from "../../../core/money";
import { MessagePage } from "./layout";

export interface GiftTierOffer {
  id: string;
  name: string;
  /** One month's price in words, e.g. "€5". */
  monthly: string;
}

/** The gift form: a section of the support page, posting to `/gift/checkout` (→ 303 to Stripe Checkout). */
export function GiftSection(props: {
  tiers: readonly GiftTierOffer[];
  today: string;
  last: string;
  maxMonths: number;
  maxMessage: number;
  /** A signed-in buyer's address: the gift is theirs (on their account page), Checkout has it. */
  email?: string;
}) {
  if (props.tiers.length === 0) return <></>;
  return (
    <section aria-labelledby="give-a-membership">
      <h2 id="give-a-membership">Give a membership</h2>
      <p>Pay for some months of a membership for someone else: on the day you choose, we email them a link to redeem it.</p>
      <form method="post" action="/gift/checkout">
        <label for="gift-tier">Tier</label>
        <select id="gift-tier" name="tier" required>
          {props.tiers.map((tier) => (
            <option value={tier.id}>
              {tier.name} ({tier.monthly} a month)
            </option>
          ))}
        </select>
        <label for="gift-months">Months (1 to {props.maxMonths})</label>
        <input type="number" id="gift-months" name="months" min={1} max={props.maxMonths} value="3" required />
        <label for="gift-recipient">Their email address</label>
        <input type="email" id="gift-recipient" name="recipientEmail" maxlength={254} required autocomplete="off" />
        <label for="gift-name">Their name (optional)</label>
        <input type="text" id="gift-name" name="recipientName" maxlength={100} autocomplete="off" />
        <label for="gift-message">Your message (optional, up to {props.maxMessage} characters)</label>
        <textarea id="gift-message" name="message" maxlength={props.maxMessage} rows={4}></textarea>
        <label for="gift-date">Deliver on</label>
        <input type="date" id="gift-date" name="deliverOn" min={props.today} max={props.last} value={props.today} required />
        {props.email ? (
          <p>
            Giving as <strong>{props.email}</strong>: the gift will be on your account page.
          </p>
        ) : (
          <>
            <label for="gift-email">Your email address (optional: for Stripe's receipt)</label>
            <input type="email" id="gift-email" name="email" maxlength={254} autocomplete="email" />
          </>
        )}
        <p>
          <button type="submit">Continue to payment</button>
        </p>
      </form>
    </section>
  );
}

const months = (n: number) => `${n} ${n === 1 ? "month" : "months"}`;

/** The redeem page: what the gift is, the buyer's message, and the button that redeems it. */
export function GiftPage(props: { token: string; gift: Gift; tierName: string }) {
  const { gift } = props;
  if (gift.status === "redeemed") return <GiftRedeemedPage gift={gift} tierName={props.tierName} already />;
  return (
    <MessagePage title="A gift for you">
      <p>
        You've been given <strong>{months(gift.months)}</strong> of the <strong>{props.tierName}</strong> membership.
      </p>
      {gift.message && (
        <blockquote>
          <p>{gift.message}</p>
        </blockquote>
      )}
      <form method="post" action="/gift">
        <input type="hidden" name="token" value={props.token} />
        <div class="check">
          <input type="checkbox" id="subscribe" name="subscribe" value="on" />{" "}
          <label for="subscribe">Also send me the newsletter (we'll email you a link to confirm)</label>
        </div>
        <p>
          <button type="submit">Redeem</button>
        </p>
      </form>
      <p class="note">Nothing is charged to you. The membership ends on its own after {months(gift.months)}.</p>
    </MessagePage>
  );
}

export function GiftRedeemedPage(props: { gift: Gift; tierName: string; already?: boolean }) {
  const ends = props.gift.endsAt?.slice(0, 10);
  return (
    <MessagePage title={props.already ? "This gift is already redeemed" : "Your gift is redeemed"}>
      <p>
        {props.already ? "This gift was redeemed already: " : "Welcome! "}
        the {props.tierName} membership runs until {ends}.
      </p>
      <p>
        <a href="/topics">Vote on what we cover</a> or <a href="/login">sign in</a> to see your membership.
      </p>
    </MessagePage>
  );
}

const statusInWords: Record<Gift["status"], string> = {
  paid: "waiting for its delivery date",
  delivered: "sent, not redeemed yet",
  redeemed: "redeemed",
  void: "void (refunded)",
};
const statusOf = (gift: Gift) =>
  gift.status === "void" && gift.voidReason === ERASED_REASON ? "void (its recipient asked us to erase their data)" : statusInWords[gift.status];

/** "Gifts you gave": on the buyer's account page, newest first; the recipient's address masked. */
export function GiftsSection(props: { gifts: ReadonlyArray<{ gift: Gift; tierName: string; recipient: string }> }) {
  return (
    <section aria-labelledby="your-gifts">
      <h2 id="your-gifts">Gifts you gave</h2>
      <ul>
        {props.gifts.map(({ gift, tierName, recipient }) => (
          <li>
            {months(gift.months)} of {tierName} ({Money.format(gift.amount, gift.currency)}) for {recipient}, delivered on {gift.deliverOn}: {statusOf(gift)}
          </li>
        ))}
      </ul>
    </section>
  );
}

