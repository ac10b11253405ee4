/**
 * Support on the pages: `/support` (a one-time contribution: a preset amount or one of the reader's choosing,
 * optionally towards an open topic, covering Stripe's fee, signing up) and `/support/thanks`, where Checkout returns.
 * Plain forms: no JavaScript, no inline style.
 */
import type { Fee } from "../../../core/config";
import * as Money from "../../../core/money";
import type { Funding, TopicTranslation } from "../../../core/topics/types";
import type { Child } from "hono/jsx";
import type { JSX } from "hono/jsx/jsx-runtime";
import { currentLanguage, t, tr } from "../language";
import { Layout } from "./layout";
import { FundingProgress, named } from "./topics";

/** What a message's tag wraps (its text, and any tags inside it), for `tr().rich`. */
type Chunks = (string | JSX.Element)[];

export interface SupportPageProps {
  amounts: readonly number[];
  min: number;
  max: number;
  currency: string;
  fee?: Fee;
  topics: ReadonlyArray<{ id: string; title: string; description?: string; translations?: Record<string, TopicTranslation>; funding?: Funding }>;
  selectedTopic?: string;
  /** Signed in: contributing as them (no address asked). */
  email?: string;
  /** The gift form (views/gifts.tsx), its own section after the contribution's. */
  gifts?: Child;
  /** Where the visitor came from (attribution): a hidden field of the form. */
  source?: string;
}

/** An amount in the page's language ("€10"; "10 €"). */
const money = (amount: number, currency: string) => Money.format(amount, currency, { language: currentLanguage() });

/** "1.5% + €0.25" ("1,5 % + 0,25 €"): numbers, each in the page's language. */
const feeInWords = (fee: Fee, currency: string) =>
  [
    fee.percent > 0 ? tr().number(fee.percent / 100, { style: "percent", maximumFractionDigits: 2 }) : "",
    fee.fixed > 0 ? money(fee.fixed, currency) : "",
  ]
    .filter(Boolean)
    .join(" + ");

/** The open topics with a funding goal and how far each has come; the one chosen by `?topic=` first. */
function FundedStories(props: { topics: SupportPageProps["topics"]; selected?: string }) {
  const funded = props.topics.filter((topic) => topic.funding && topic.funding.goal !== null);
  if (funded.length === 0) return <></>;
  const ordered = [...funded.filter((t) => t.id === props.selected), ...funded.filter((t) => t.id !== props.selected)];
  return (
    <section>
      <h2>{t("support.funded.heading")}</h2>
      <ul class="topics">
        {ordered.map((topic) => (
          <li>
            <h3>{named(topic).title}</h3>
            <FundingProgress title={named(topic).title} funding={topic.funding} />
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
    <Layout title={t("support.page.title")}>
      <h1>{t("support.page.title")}</h1>
      <p>{t("support.page.intro")}</p>
      <FundedStories topics={props.topics} selected={props.selectedTopic} />
      <form method="post" action="/support">
        {props.source && <input type="hidden" name="source" value={props.source} />}
        <fieldset>
          <legend>{t("support.form.legend", { currency: currency.toUpperCase() })}</legend>
          {props.amounts.map((amount, i) => (
            <div class="check">
              <input type="radio" id={`amount-${amount}`} name="amount" value={String(amount)} checked={i === 0} required />{" "}
              <label for={`amount-${amount}`}>{money(amount, currency)}</label>
            </div>
          ))}
          <div class="check">
            <input type="radio" id="amount-custom" name="amount" value="custom" /> <label for="amount-custom">{t("support.form.other")}</label>
          </div>
          <label for="custom">{t("support.form.otherRange", { min: money(props.min, currency), max: money(props.max, currency) })}</label>
          <input type="text" id="custom" name="custom" inputmode={input.inputmode} maxlength={12} autocomplete="off" pattern={input.pattern} />
        </fieldset>
        {props.topics.length > 0 && (
          <>
            <label for="topic">{t("support.form.topic")}</label>
            <select id="topic" name="topic">
              <option value="">{t("support.form.anyTopic")}</option>
              {props.topics.map((topic) => (
                <option value={topic.id} selected={topic.id === props.selectedTopic}>
                  {named(topic).title}
                </option>
              ))}
            </select>
          </>
        )}
        {props.email ? (
          <p>{tr().rich("support.form.as", { email: props.email, strong: (chunks: Chunks) => <strong>{chunks}</strong> })}</p>
        ) : (
          <>
            <label for="email">{t("support.form.email")}</label>
            <input type="email" id="email" name="email" maxlength={254} autocomplete="email" />
          </>
        )}
        {props.fee && (
          <div class="check">
            <input type="checkbox" id="coverFee" name="coverFee" value="on" />{" "}
            <label for="coverFee">{t("support.form.coverFee", { fee: feeInWords(props.fee, currency) })}</label>
          </div>
        )}
        {!props.email && (
          <div class="check">
            <input type="checkbox" id="subscribe" name="subscribe" value="on" />{" "}
            <label for="subscribe">{t("support.form.subscribe")}</label>
          </div>
        )}
        <p>
          <button type="submit">{t("support.form.submit")}</button>
        </p>
        <p class="note">{tr().rich("support.form.note", { join: (chunks: Chunks) => <a href="/join">{chunks}</a> })}</p>
      </form>
      {props.gifts}
    </Layout>
  );
}

/** Where Checkout returns after a contribution or a gift. */
export function SupportThanksPage() {
  return (
    <Layout title={t("support.thanks.title")}>
      <h1>{t("support.thanks.title")}</h1>
      <p>{t("support.thanks.contribution")}</p>
      <p>{tr().rich("support.thanks.gift", { account: (chunks: Chunks) => <a href="/account">{chunks}</a> })}</p>
      <p>
        <a href="/">{t("support.thanks.home")}</a>
      </p>
    </Layout>
  );
}
