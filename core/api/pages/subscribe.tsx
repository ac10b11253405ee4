/**
 * Signing up without JavaScript: the home page's form posts to `POST /api/subscribe` (the same route and core
 * logic as the API), which answers a browser with "check your inbox". And the answers of the unsubscribed page's
 * undo, which is a new opt-in too.
 */
import type { ResubscribeOutcome } from "../../subscribers";
import type { Topic } from "../../topics/types";
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
