/** The one-click vote pages: opening the link shows the topic and a button; only the button's POST votes. */
import type { ScoredTopic, Topic } from "../../topics/types";
import { MessagePage } from "./layout";

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
      <p class="note">We'll tell you in your digest when we cover it.</p>
    </MessagePage>
  );
}

export function VoteRefusedPage(props: { message: string }) {
  return (
    <MessagePage title="Your vote was not counted">
      <p>{props.message}</p>
    </MessagePage>
  );
}
