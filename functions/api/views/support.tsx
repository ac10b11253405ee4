/**
 * Support on the pages: `/support` (a one-time contribution: a preset amount or one of the reader's choosing,
 * optionally towards an open topic, covering Stripe's fee, signing up) and `/support/thanks`, where Checkout returns.
 * Plain forms: no JavaScript, no inline style.
 */
import type { Fee } from "../../../core/config";
import * as Money from "../../../core/money";
import type { Funding } from "../../../core/topics/types";
import type { Child } from "hono/jsx";
import { Layout } from "./layout";
import { FundingProgress } from "./topics";

export interface SupportPageProps {
  amounts: readonly number[];
  min: number;
  max: number;
  currency: string;
  fee?: Fee;
  topics: ReadonlyArray<{ id: string; title: string; funding?: Funding }>;
  selectedTopic?: string;
  /** Signed in: contributing as them (no address asked). */
  email?: string;
  /** The gift form (views/gifts.tsx), its own section after the contribution's. */
  gifts?: Child;
}

const feeInWords = (fee: Fee, currency: string) =>
  [fee.percent > 0 ? `${fee.percent}%` : "", fee.fixed > 0 ? Money.format(fee.fixed, currency) : ""].filter(Boolean).join(" + ");

/** The open topics with a funding goal and how far each has come; the one chosen by `?topic=` first. */
function FundedStories(props: { topics: SupportPageProps["topics"]; selected?: string }) {
  const funded = props.topics.filter((topic) => topic.funding && topic.funding.goal !== null);
  if (funded.length === 0) return <></>;
  const ordered = [...funded.filter((t) => t.id === props.selected), ...funded.filter((t) => t.id !== props.selected)];
  return (
    <section>
      <h2>Stories readers are funding</h2>
      <ul class="topics">
        {ordered.map((topic) => (
          <li>
            <h3>{topic.title}</h3>
            <FundingProgress title={topic.title} funding={topic.funding} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SupportPage(props: SupportPageProps) {
  const { currency } = props;
  const input = Money.inputOf(currency);
  return (
    <Layout title="Support our reporting">
      <h1>Support our reporting</h1>
      <p>A one-time contribution pays for reporting from Ukraine that stays free for everyone to read.</p>
      <FundedStories topics={props.topics} selected={props.selectedTopic} />
      <form method="post" action="/support">
        <fieldset>
          <legend>Your contribution ({currency.toUpperCase()})</legend>
          {props.amounts.map((amount, i) => (
            <div class="check">
              <input type="radio" id={`amount-${amount}`} name="amount" value={String(amount)} checked={i === 0} required />{" "}
              <label for={`amount-${amount}`}>{Money.format(amount, currency)}</label>
            </div>
          ))}
          <div class="check">
            <input type="radio" id="amount-custom" name="amount" value="custom" /> <label for="amount-custom">Another amount</label>
          </div>
          <label for="custom">
            Another amount, from {Money.format(props.min, currency)} to {Money.format(props.max, currency)}
          </label>
          <input type="text" id="custom" name="custom" inputmode={input.inputmode} maxlength={12} autocomplete="off" pattern={input.pattern} />
        </fieldset>
        {props.topics.length > 0 && (
          <>
            <label for="topic">Towards a story (optional)</label>
            <select id="topic" name="topic">
              <option value="">Wherever it's needed most</option>
              {props.topics.map((topic) => (
                <option value={topic.id} selected={topic.id === props.selectedTopic}>
                  {topic.title}
                </option>
              ))}
            </select>
          </>
        )}
        {props.email ? (
          <p>
            Contributing as <strong>{props.email}</strong>.
          </p>
        ) : (
          <>
            <label for="email">Your email address (optional: for our thank-you)</label>
            <input type="email" id="email" name="email" maxlength={254} autocomplete="email" />
          </>
        )}
        {props.fee && (
          <div class="check">
            <input type="checkbox" id="coverFee" name="coverFee" value="on" />{" "}
            <label for="coverFee">Add the card fee ({feeInWords(props.fee, currency)}) so we receive the whole amount</label>
          </div>
        )}
        {!props.email && (
          <div class="check">
            <input type="checkbox" id="subscribe" name="subscribe" value="on" />{" "}
            <label for="subscribe">Also send me the newsletter (we'll email you a link to confirm)</label>
          </div>
        )}
        <p>
          <button type="submit">Continue to payment</button>
        </p>
        <p class="note">
          Payment is handled by Stripe. Prefer to support us every month? <a href="/join">Become a patron</a>.
        </p>
      </form>
      {props.gifts}
    </Layout>
  );
}

/** Where Checkout returns after a contribution or a gift. */
export function SupportThanksPage() {
  return (
    <Layout title="Thank you">
      <h1>Thank you</h1>
      <p>Your payment is on its way to us. For a contribution, our thank-you follows by email if you gave your address.</p>
      <p>
        For a gift membership, we email its recipient a link to redeem it on the day you chose. Signed in, you'll find it
        under "Gifts you gave" on <a href="/account">your account</a>.
      </p>
      <p>
        <a href="/">Back to the front page</a>
      </p>
    </Layout>
  );
}
