/**
 * The pages of the subscriber lifecycle: signing up without JavaScript (the home page's form posts to
 * `POST /api/subscribe`, the same route and core logic as the API, which answers a browser with "check your
 * inbox"), confirming, preferences, unsubscribing and its undo (a new opt-in too). Every button POSTs: opening a
 * link never changes anything.
 */
import type { ResubscribeOutcome, Subscriber } from "../../../core/subscribers";
import type { Topic } from "../../../core/topics/types";
import { Layout, MessagePage } from "./layout";

export function SubscribePage(props: { outletName: string; topics: Topic[] }) {
  return (
    <Layout title="Subscribe">
      <h1>Get our digests by email</h1>
      <p>The week's reporting from {props.outletName}, in one email, on the topics you choose. Free, and you can leave in one click.</p>
      <form method="post" action="/api/subscribe">
        <label for="email">Email address</label>
        <input type="email" id="email" name="email" required maxlength={254} autocomplete="email" />
        <label for="name">Your name (optional)</label>
        <input type="text" id="name" name="name" maxlength={100} autocomplete="name" />
        {props.topics.length > 0 && (
          <fieldset>
            <legend>Topics (choose none to get everything)</legend>
            {props.topics.map((topic) => (
              <div class="check">
                <input type="checkbox" id={`topic-${topic.id}`} name="topics" value={topic.id} />{" "}
                <label for={`topic-${topic.id}`}>{topic.title}</label>
              </div>
            ))}
          </fieldset>
        )}
        <label for="frequency">How often</label>
        <select id="frequency" name="frequency">
          <option value="weekly" selected>
            Weekly
          </option>
          <option value="daily">Daily</option>
        </select>
        <p class="note">We'll email you a link to confirm. Every digest has a one-click unsubscribe link.</p>
        <p>
          <button type="submit">Subscribe</button>
        </p>
      </form>
      <p>
        Already subscribed? <a href="/login">Sign in</a> to your account. Want a say in what we cover?{" "}
        <a href="/join">Become a patron</a>.
      </p>
    </Layout>
  );
}

/** The answer to the form above, whatever the address's state: it must not tell who is subscribed. */
export function CheckInboxPage() {
  return (
    <MessagePage title="Check your inbox">
      <p>
        We've sent a confirmation link to the address you gave. <strong>Open it and press the button</strong> to start
        your subscription: nothing is sent to you until then.
      </p>
      <p class="note">
        Nothing after a few minutes? Look in your spam folder. The link works for 7 days; after that,{" "}
        <a href="/">sign up again</a>.
      </p>
    </MessagePage>
  );
}

const resubscribed: Record<ResubscribeOutcome, { title: string; text: string }> = {
  "confirmation-sent": {
    title: "Check your inbox",
    text: "We've emailed you a confirmation link. Open it and press the button, and your digests start again with the topics and frequency you had.",
  },
  "recently-sent": {
    title: "Check your inbox",
    text: "We emailed you a confirmation link a few minutes ago, so we haven't sent another. Open that one and press the button to start your digests again.",
  },
  "already-active": {
    title: "You're subscribed",
    text: "This address is subscribed already: nothing else is needed.",
  },
};

/** What the unsubscribed page's undo did. */
export function ResubscribedPage(props: { outcome: ResubscribeOutcome }) {
  const { title, text } = resubscribed[props.outcome];
  return (
    <MessagePage title={title}>
      <p>{text}</p>
      {props.outcome !== "already-active" && (
        <p class="note">Nothing will be sent to you until you confirm. Not in your inbox? Look in your spam folder.</p>
      )}
    </MessagePage>
  );
}

export function ConfirmPage(props: { token: string }) {
  return (
    <MessagePage title="Confirm your subscription">
      <p>One last step: confirm that you want to receive our digests at this address.</p>
      <form method="post" action="/confirm">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">Yes, subscribe me</button>
      </form>
      <p class="note">If you didn't sign up, close this page: nothing will be sent.</p>
    </MessagePage>
  );
}

export function ConfirmedPage(props: { alreadyActive: boolean; manageUrl: string }) {
  return (
    <MessagePage title={props.alreadyActive ? "You're already subscribed" : "You're subscribed"}>
      <p>
        {props.alreadyActive
          ? "Your subscription was confirmed before; nothing else is needed."
          : "Thank you! Your first digest arrives with the next edition. We've sent you a welcome email."}
      </p>
      <p>
        <a href={props.manageUrl}>Choose your topics and how often you hear from us</a>.
      </p>
    </MessagePage>
  );
}

export function UnsubscribePage(props: { token: string }) {
  return (
    <MessagePage title="Unsubscribe">
      <p>Press the button to stop all digests to this address.</p>
      <form method="post" action={`/unsubscribe?token=${encodeURIComponent(props.token)}`}>
        <button type="submit">Unsubscribe me</button>
      </form>
      <p class="note">Changed your mind? Just close this page.</p>
    </MessagePage>
  );
}

/** After unsubscribing; its undo is a new opt-in (a confirmation email), never a silent resubscribe. */
export function UnsubscribedPage(props: { token: string }) {
  return (
    <MessagePage title="You're unsubscribed">
      <p>You won't receive any more digests from us. This took effect immediately.</p>
      <form method="post" action="/resubscribe">
        <input type="hidden" name="token" value={props.token} />
        <p>Was this a mistake?</p>
        <p>
          <button type="submit" class="secondary">
            Undo: subscribe me again
          </button>
        </p>
        <p class="note">We'll email you a link to confirm first; your digests start again once you press its button.</p>
      </form>
    </MessagePage>
  );
}

export function PreferencesPage(props: {
  subscriber: Subscriber;
  topics: Topic[];
  token: string;
  unsubscribeToken: string;
  saved?: boolean;
}) {
  const { subscriber, topics, token } = props;
  const follows = new Set(subscriber.topics);
  const active = subscriber.status === "active" || subscriber.status === "pending";
  return (
    <Layout title="Your preferences">
      <h1>Your preferences</h1>
      {props.saved && (
        <p role="status" class="status">
          <strong>Saved.</strong> Your next digest follows these choices.
        </p>
      )}
      {!active && (
        <p class="note">
          This address is not subscribed at the moment, so nothing is being sent to it. To receive digests again,
          sign up again and confirm by email.
        </p>
      )}
      <form method="post" action="/preferences">
        <input type="hidden" name="token" value={token} />
        <label for="name">Name (optional)</label>
        <input type="text" id="name" name="name" value={subscriber.name ?? ""} maxlength={100} autocomplete="name" />
        <fieldset>
          <legend>Topics (choose none to get everything)</legend>
          {topics.map((topic) => (
            <div class="check">
              <input type="checkbox" id={`topic-${topic.id}`} name="topics" value={topic.id} checked={follows.has(topic.id)} />{" "}
              <label for={`topic-${topic.id}`}>{topic.title}</label>
            </div>
          ))}
        </fieldset>
        <label for="frequency">How often</label>
        <select id="frequency" name="frequency">
          <option value="daily" selected={subscriber.frequency === "daily"}>
            Daily
          </option>
          <option value="weekly" selected={subscriber.frequency === "weekly"}>
            Weekly
          </option>
        </select>
        <label for="pausedUntil">Pause digests until (optional)</label>
        <input type="date" id="pausedUntil" name="pausedUntil" value={subscriber.pausedUntil ?? ""} />
        <p>
          <button type="submit">Save preferences</button>
        </p>
      </form>
      {active && (
        <form method="post" action={`/unsubscribe?token=${encodeURIComponent(props.unsubscribeToken)}`}>
          <p>
            <button type="submit" class="secondary">
              Unsubscribe from everything
            </button>
          </p>
        </form>
      )}
      <h2>Membership</h2>
      <p>
        Patrons keep our reporting free and vote on what we cover next: <a href="/join">become a patron</a>. A patron
        already? <a href="/account">Your account</a> has your membership, billing and votes.
      </p>
    </Layout>
  );
}
