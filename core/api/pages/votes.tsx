/** The one-click vote pages: opening the link shows the topic and a button; only the button's POST votes. */
import type { ScoredTopic, Topic } from "../../topics/types";
import { MessagePage } from "./layout";
import { OnwardLinks } from "./topics";

export function VotePage(props: { token: string; topic: Topic }) {
  return (
    <MessagePage title="Vote for this topic">
      <p>
        <strong>{props.topic.title}</strong>
      </p>
      {props.topic.description && <p>{props.topic.description}</p>}
      <form method="post" action="/vote">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">Vote for it</button>
      </form>
      <p class="note">Your vote counts with your membership's weight. Changed your mind? Just close this page.</p>
    </MessagePage>
  );
}

export function VotedPage(props: { topic: ScoredTopic }) {
  return (
    <MessagePage title="Your vote is counted">
      <p>
        Thank you! <strong>{props.topic.title}</strong> now has a score of {props.topic.score} from {props.topic.voters}{" "}
        {props.topic.voters === 1 ? "patron" : "patrons"}.
      </p>
      <p class="note">We'll tell you in your digest when we cover it. Changed your mind? You can withdraw your vote on the topics page.</p>
      <OnwardLinks />
    </MessagePage>
  );
}

/** What the reader can do about each refusal (`not_eligible`, `vote_limit`, `topic_not_open`). */
function NextStep(props: { code?: string }) {
  if (props.code === "not_eligible") {
    return (
      <p>
        <a href="/join">Become a patron</a>, or see your membership in <a href="/account">your account</a>.
      </p>
    );
  }
  if (props.code === "vote_limit") return <p>Withdraw one of your votes on the topics page, then vote for this one.</p>;
  return <p>Voting on this topic has closed. Other topics may still be open.</p>;
}

export function VoteRefusedPage(props: { message: string; code?: string }) {
  return (
    <MessagePage title="Your vote was not counted">
      <p>{props.message}</p>
      <NextStep code={props.code} />
      <OnwardLinks />
    </MessagePage>
  );
}
