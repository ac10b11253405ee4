/**
 * The signed-in reader's page: their subscription and preferences, their membership (tier, renewal, Manage
 * billing), their votes, their contributions, and a way out. Sections other than the subscription are passed in as children-like
 * props, so each stays with its own route code.
 */
import type { Child } from "hono/jsx";
import type { Contribution } from "../../../core/contributions";
import * as Money from "../../../core/money";
import type { Subscriber } from "../../../core/subscribers";
import type { PatronVote } from "../../../core/votes";
import { Layout, MessagePage } from "./layout";
import { ScoreLine, WithdrawButton } from "./topics";

const statusWords: Record<Subscriber["status"], string> = {
  active: "You're subscribed to our digests.",
  pending: "You haven't confirmed your subscription yet: look for our confirmation email.",
  unsubscribed: "You're not subscribed to our digests.",
  bounced: "We've stopped emailing you: messages to this address were bouncing.",
  complained: "We've stopped emailing you: a message to this address was marked as spam.",
};

const day = (isoDate: string) =>
  new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${isoDate}T00:00:00Z`));

/** The subscription and its preferences, with the way to change them. */
function SubscriptionSection(props: { subscriber: Subscriber; manageUrl: string; topicTitles: Record<string, string> }) {
  const { subscriber } = props;
  const subscribed = subscriber.status === "active";
  const topics = subscriber.topics.map((id) => props.topicTitles[id] ?? id);
  return (
    <section aria-labelledby="subscription">
      <h2 id="subscription">Subscription</h2>
      <p>{statusWords[subscriber.status] ?? ""}</p>
      {subscribed && (
        <ul>
          <li>Topics: {topics.length ? topics.join(", ") : "all topics"}</li>
          <li>How often: {subscriber.frequency === "daily" ? "daily" : "weekly"}</li>
          {subscriber.pausedUntil && <li>Paused until {day(subscriber.pausedUntil)}</li>}
          <li>Name in our emails: {subscriber.name || "none"}</li>
        </ul>
      )}
      <p>
        <a href={props.manageUrl}>Change your preferences</a>: topics, how often, a pause, your name, or unsubscribe.
      </p>
      {!subscribed && subscriber.status !== "pending" && (
        <p>
          Want our digests again? <a href="/">Sign up again</a>; we'll ask you to confirm by email.
        </p>
      )}
    </section>
  );
}

/** "Your votes": the topics the patron holds a vote for, each with its score and a withdraw button while open. */
export function VotesSection(props: { votes: PatronVote[] }) {
  return (
    <section aria-labelledby="your-votes">
      <h2 id="your-votes">Your votes</h2>
      {props.votes.length === 0 ? (
        <p>You haven't voted for any topic yet.</p>
      ) : (
        <ul class="topics">
          {props.votes.map((vote) => (
            <li>
              <h3>{vote.title}</h3>
              <ScoreLine topic={vote} />
              {vote.waiting && (
                <p class="note">
                  Your vote waits: this topic reopened while you held all your votes for open topics. Withdraw another
                  for it to count.
                </p>
              )}
              {!vote.counted && !vote.waiting && vote.status === "open" && (
                <p class="note">Your vote doesn't count while your membership has lapsed.</p>
              )}
              {vote.status === "open" ? <WithdrawButton topic={vote} /> : <p class="note">Voting on this topic has closed.</p>}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/topics">See every open topic and vote</a>
      </p>
    </section>
  );
}

/** "Your contributions": the one-time contributions tied to the reader, newest first, with any refund or dispute. */
export function ContributionsSection(props: { contributions: readonly Contribution[]; topicTitles: Record<string, string> }) {
  const day = (iso: string) => new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));
  return (
    <section aria-labelledby="your-contributions">
      <h2 id="your-contributions">Your contributions</h2>
      <ul>
        {[...props.contributions].reverse().map((contribution) => (
          <li>
            {Money.format(contribution.amount, contribution.currency)} on {day(contribution.createdAt)}
            {contribution.topicId && props.topicTitles[contribution.topicId] ? `, towards “${props.topicTitles[contribution.topicId]}”` : ""}
            {contribution.amountRefunded > 0 &&
              (contribution.amountRefunded >= contribution.amount ? " (refunded)" : ` (${Money.format(contribution.amountRefunded, contribution.currency)} refunded)`)}
            {contribution.dispute && ` (disputed: ${contribution.dispute.status.replaceAll("_", " ")})`}
          </li>
        ))}
      </ul>
      <p>
        Thank you. <a href="/support">Give again</a>
      </p>
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
    <Layout title="Your account">
      <h1>Your account</h1>
      <p>
        Signed in as <strong>{subscriber.email}</strong>
      </p>
      <SubscriptionSection subscriber={subscriber} manageUrl={props.manageUrl} topicTitles={props.topicTitles} />
      {props.membership}
      {props.votes}
      {props.contributions}
      {props.gifts}
      {props.privacy}
      <form method="post" action="/logout">
        <p>
          <button type="submit" class="secondary">
            Sign out
          </button>
        </p>
      </form>
      <form method="post" action="/logout/everywhere">
        <p>
          <button type="submit" class="secondary">
            Sign out everywhere
          </button>
        </p>
        <p class="note">Ends every session of yours, on every device and browser, this one included.</p>
      </form>
    </Layout>
  );
}

/** `/email-change?token=…`, the page a change of address's confirm link opens: only its button confirms. */
export function EmailChangePage(props: { token: string; email: string; confirmed: boolean }) {
  if (props.confirmed) return <EmailChangedPage email={props.email} />;
  return (
    <MessagePage title="Confirm your new address">
      <p>
        Make <strong>{props.email}</strong> your membership's address: your digests, membership emails and sign-in links
        will go there.
      </p>
      <form method="post" action="/email-change">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">Confirm my new address</button>
      </form>
      <p class="note">
        Confirming signs you out everywhere; sign in again with this address. If you didn't ask for this, close this
        page: nothing will change.
      </p>
    </MessagePage>
  );
}

/** The change of address took effect. */
export function EmailChangedPage(props: { email: string }) {
  return (
    <MessagePage title="Your address is changed">
      <p>
        From now on we write to <strong>{props.email}</strong>. You've been signed out everywhere:{" "}
        <a href="/login">sign in</a> with this address.
      </p>
    </MessagePage>
  );
}

/** The new address belongs to another subscriber: nothing changed (two subscriptions are never merged by a link). */
export function EmailChangeTakenPage(props: { email: string }) {
  return (
    <MessagePage title="This address has a subscription already">
      <p>
        <strong>{props.email}</strong> already belongs to another subscription of ours, so it can't become this
        membership's address too. Nothing changed: we keep writing to the address we had.
      </p>
      <p>If both are yours, write to us and we'll bring them together.</p>
    </MessagePage>
  );
}
