/**
 * The signed-in reader's page. Small for now: who they are, their subscription and a way out. Membership and
 * votes join it as further `<section>`s.
 */
import type { Child } from "hono/jsx";
import type { Subscriber } from "../../subscribers";
import { Layout } from "./layout";

const statusWords: Record<Subscriber["status"], string> = {
  active: "You're subscribed to our digests.",
  pending: "You haven't confirmed your subscription yet: look for our confirmation email.",
  unsubscribed: "You're not subscribed to our digests.",
  bounced: "We've stopped emailing you: messages to this address were bouncing.",
  complained: "We've stopped emailing you: a message to this address was marked as spam.",
};

export function AccountPage(props: { subscriber: Subscriber; manageUrl: string; membership?: Child }) {
  const { subscriber } = props;
  return (
    <Layout title="Your account">
      <h1>Your account</h1>
      <p>
        Signed in as <strong>{subscriber.email}</strong>
      </p>
      <section>
        <h2>Subscription</h2>
        <p>{statusWords[subscriber.status] ?? ""}</p>
        <p>
          <a href={props.manageUrl}>Your preferences</a>: topics, how often, a pause.
        </p>
      </section>
      {props.membership}
      <form method="post" action="/logout">
        <p>
          <button type="submit" class="secondary">
            Sign out
          </button>
        </p>
      </form>
    </Layout>
  );
}
