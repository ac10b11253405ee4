/**
 * The signed-in reader's page: their subscription and preferences, their membership (tier, renewal, Manage
 * billing), their votes, their contributions, and a way out. Sections other than the subscription are passed in as children-like
 * props, so each stays with its own route code.
 */
import type { Child } from "hono/jsx";
import type { Contribution } from "../../../core/contributions";
import * as Money from "../../../core/money";
import type { Subscriber } from "../../../core/subscribers";
import * as Topics from "../../../core/topics";
import type { PatronVote } from "../../../core/votes";
import { currentLanguage, t, tr } from "../language";
import { Layout, MessagePage } from "./layout";
import { ScoreLine, WithdrawButton } from "./topics";

const strong = (chunks: unknown) => <strong>{chunks}</strong>;

/** A day in the page's language ("31 December 2026"; "31 грудня 2026 р."), as UTC. */
const day = (iso: string) => tr().date(iso, { dateStyle: "long", timeZone: "UTC" });

/** The subscription and its preferences, with the way to change them. */
function SubscriptionSection(props: { subscriber: Subscriber; manageUrl: string; topicTitles: Record<string, string> }) {
  const { subscriber } = props;
  const subscribed = subscriber.status === "active";
  const topics = subscriber.topics.map((id) => props.topicTitles[id] ?? id);
  return (
    <section aria-labelledby="subscription">
      <h2 id="subscription">{t("account.subscription.title")}</h2>
      <p>{t(`account.status.${subscriber.status}`)}</p>
      {subscribed && (
        <ul>
          <li>
            {topics.length
              ? t("account.subscription.topics", { topics: new Intl.ListFormat(currentLanguage(), { type: "unit" }).format(topics) })
              : t("account.subscription.allTopics")}
          </li>
          <li>{t("account.subscription.frequency", { frequency: subscriber.frequency })}</li>
          {subscriber.pausedUntil && <li>{t("account.subscription.paused", { date: day(`${subscriber.pausedUntil}T00:00:00Z`) })}</li>}
          <li>{subscriber.name ? t("account.subscription.name", { name: subscriber.name }) : t("account.subscription.noName")}</li>
        </ul>
      )}
      <p>{tr().rich("account.subscription.manage", { link: (chunks) => <a href={props.manageUrl}>{chunks}</a> })}</p>
      {!subscribed && subscriber.status !== "pending" && (
        <p>{tr().rich("account.subscription.again", { link: (chunks) => <a href="/">{chunks}</a> })}</p>
      )}
    </section>
  );
}

/** "Your votes": the topics the patron holds a vote for, each with its score and a withdraw button while open. */
export function VotesSection(props: { votes: PatronVote[] }) {
  return (
    <section aria-labelledby="your-votes">
      <h2 id="your-votes">{t("account.votes.title")}</h2>
      {props.votes.length === 0 ? (
        <p>{t("account.votes.none")}</p>
      ) : (
        <ul class="topics">
          {props.votes.map((vote) => (
            <li>
              <h3>{Topics.inLanguage(vote, currentLanguage()).title}</h3>
              <ScoreLine topic={vote} />
              {vote.waiting && <p class="note">{t("account.votes.waiting")}</p>}
              {!vote.counted && !vote.waiting && vote.status === "open" && <p class="note">{t("account.votes.lapsed")}</p>}
              {vote.status === "open" ? <WithdrawButton topic={vote} /> : <p class="note">{t("account.votes.closed")}</p>}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/topics">{t("account.votes.all")}</a>
      </p>
    </section>
  );
}

/** One contribution in words: amount and day, the topic it funded, and any refund or dispute. */
function contributionInWords(contribution: Contribution, topicTitles: Record<string, string>): string {
  const language = currentLanguage();
  const amount = Money.format(contribution.amount, contribution.currency, { language });
  const date = day(contribution.createdAt);
  const topic = contribution.topicId ? topicTitles[contribution.topicId] : undefined;
  const words = [topic ? t("account.contributions.towards", { amount, date, topic }) : t("account.contributions.item", { amount, date })];
  if (contribution.amountRefunded > 0) {
    words.push(
      contribution.amountRefunded >= contribution.amount
        ? t("account.contributions.refunded")
        : t("account.contributions.partlyRefunded", { amount: Money.format(contribution.amountRefunded, contribution.currency, { language }) }),
    );
  }
  if (contribution.dispute) words.push(t("account.contributions.disputed", { status: contribution.dispute.status }));
  return words.join(" ");
}

/** "Your contributions": the one-time contributions tied to the reader, newest first, with any refund or dispute. */
export function ContributionsSection(props: { contributions: readonly Contribution[]; topicTitles: Record<string, string> }) {
  return (
    <section aria-labelledby="your-contributions">
      <h2 id="your-contributions">{t("account.contributions.title")}</h2>
      <ul>
        {[...props.contributions].reverse().map((contribution) => (
          <li>{contributionInWords(contribution, props.topicTitles)}</li>
        ))}
      </ul>
      <p>{tr().rich("account.contributions.thanks", { link: (chunks) => <a href="/support">{chunks}</a> })}</p>
    </section>
  );
}

export function AccountPage(props: {
  subscriber: Subscriber;
  manageUrl: string;
  topicTitles: Record<string, string>;
  membership?: Child;
  votes?: Child;
  contributions?: Child;
  gifts?: Child;
  privacy?: Child;
}) {
  const { subscriber } = props;
  return (
    <Layout title={t("account.title")}>
      <h1>{t("account.title")}</h1>
      <p>{tr().rich("account.signedInAs", { email: subscriber.email, strong })}</p>
      <SubscriptionSection subscriber={subscriber} manageUrl={props.manageUrl} topicTitles={props.topicTitles} />
      {props.membership}
      {props.votes}
      {props.contributions}
      {props.gifts}
      {props.privacy}
      <form method="post" action="/logout">
        <p>
          <button type="submit" class="secondary">
            {t("account.signOut")}
          </button>
        </p>
      </form>
      <form method="post" action="/logout/everywhere">
        <p>
          <button type="submit" class="secondary">
            {t("account.signOutEverywhere")}
          </button>
        </p>
        <p class="note">{t("account.signOutEverywhereNote")}</p>
      </form>
    </Layout>
  );
}

/** `/email-change?token=…`, the page a change of address's confirm link opens: only its button confirms. */
export function EmailChangePage(props: { token: string; email: string; confirmed: boolean }) {
  if (props.confirmed) return <EmailChangedPage email={props.email} />;
  return (
    <MessagePage title={t("account.emailChange.title")}>
      <p>{tr().rich("account.emailChange.body", { email: props.email, strong })}</p>
      <form method="post" action="/email-change">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">{t("account.emailChange.submit")}</button>
      </form>
      <p class="note">{t("account.emailChange.note")}</p>
    </MessagePage>
  );
}

/** The change of address took effect. */
export function EmailChangedPage(props: { email: string }) {
  return (
    <MessagePage title={t("account.emailChanged.title")}>
      <p>{tr().rich("account.emailChanged.body", { email: props.email, strong, link: (chunks) => <a href="/login">{chunks}</a> })}</p>
    </MessagePage>
  );
}

/** The new address belongs to another subscriber: nothing changed (two subscriptions are never merged by a link). */
export function EmailChangeTakenPage(props: { email: string }) {
  return (
    <MessagePage title={t("account.emailTaken.title")}>
      <p>{tr().rich("account.emailTaken.body", { email: props.email, strong })}</p>
      <p>{t("account.emailTaken.both")}</p>
    </MessagePage>
  );
}
