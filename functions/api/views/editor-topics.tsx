/**
 * `/editor/topics`: the topics by status with their scores (by tier) and funding, and the editors' actions on them,
 * each a form that POSTs and comes back here (no JavaScript needed); and the parts a topic's own page
 * (`editor-topic.tsx`) shares with it.
 */
import * as Config from "../../../core/config";
import type * as Editors from "../../../core/editors";
import * as Money from "../../../core/money";
import type * as Topics from "../../../core/topics";
import { EditorLayout } from "./editor";
import { FundingProgress } from "./topics";

/** What a form did, as the page it comes back to says it (`?done=`). */
export const DONE = {
  created: "Topic created.",
  opened: "Topic opened for votes.",
  closed: "Voting on the topic closed.",
  covered: "Topic marked covered.",
  goal: "Funding goal saved.",
  "goal-removed": "Funding goal removed.",
} as const;
export type Done = keyof typeof DONE;

export const STATUS_WORDS: Record<Topics.TopicStatus, string> = {
  open: "Open for votes",
  proposed: "Proposed by patrons",
  closed: "Closed",
  covered: "Covered",
};

export const voters = (n: number) => `${n} ${n === 1 ? "voter" : "voters"}`;

export function DoneNote(props: { done?: Done }) {
  return props.done ? (
    <p role="status" class="status">
      {DONE[props.done]}
    </p>
  ) : (
    <></>
  );
}

/** A status change's button; its accessible name says which topic. */
function StatusButton(props: { topic: Topics.Topic; status: "open" | "closed"; label: string; secondary?: boolean }) {
  return (
    <button type="submit" name="status" value={props.status} class={props.secondary ? "secondary" : undefined}>
      {props.label}
      <span class="vh"> “{props.topic.title}”</span>
    </button>
  );
}

/**
 * The status changes a topic offers, as one form (its buttons side by side): approve or turn down a proposal, close
 * an open topic, reopen a closed or covered one. Core allows any change; these are the ones that make sense.
 */
export function StatusActions(props: { topic: Topics.Topic }) {
  const { topic } = props;
  return (
    <form method="post" action={`/editor/topics/${topic.id}/status`}>
      {topic.status === "proposed" ? (
        <>
          <StatusButton topic={topic} status="open" label="Approve" /> <StatusButton topic={topic} status="closed" label="Turn down" secondary />
        </>
      ) : topic.status === "open" ? (
        <StatusButton topic={topic} status="closed" label="Close voting" secondary />
      ) : (
        <StatusButton topic={topic} status="open" label={topic.status === "closed" ? "Reopen" : "Reopen for votes"} secondary />
      )}
    </form>
  );
}

function TierScores(props: { row: Topics.BoardTopic }) {
  if (props.row.byTier.length === 0) return <></>;
  return (
    <p>
      By tier:{" "}
      {props.row.byTier.map((tier, i) => (
        <>
          {i > 0 && "; "}
          {tier.tierName} {tier.score} ({voters(tier.voters)})
        </>
      ))}
    </p>
  );
}

export function Funding(props: { row: Topics.BoardTopic }) {
  const { funding, topic } = props.row;
  if (!funding) return <></>;
  if (funding.goal !== null) return <FundingProgress title={topic.title} funding={funding} />;
  if (funding.raised === 0) return <p class="note">No funding goal.</p>;
  return <p>{Money.format(funding.raised, funding.currency)} raised, no goal.</p>;
}

function TopicItem(props: { row: Topics.BoardTopic }) {
  const { topic } = props.row;
  return (
    <li id={`topic-${topic.id}`}>
      <h3>
        <a href={`/editor/topics/${topic.id}`}>{topic.title}</a>
      </h3>
      {topic.status !== "proposed" && (
        <p class="score">
          Score {props.row.score} from {voters(props.row.voters)}
        </p>
      )}
      <TierScores row={props.row} />
      <Funding row={props.row} />
      {topic.status === "proposed" && topic.description && <p>{topic.description}</p>}
      <StatusActions topic={topic} />
      {(topic.status === "open" || topic.status === "closed") && (
        <p>
          <a href={`/editor/topics/${topic.id}#covered`}>
            Mark covered<span class="vh"> “{topic.title}”</span>, or set its funding goal
          </a>
        </p>
      )}
    </li>
  );
}

/** `/editor/topics`: every topic by status, a form to create one. */
export function TopicsBoardPage(props: { account: Editors.EditorAccount; board: Topics.Board; done?: Done }) {
  const order: Topics.TopicStatus[] = ["open", "proposed", "closed", "covered"];
  return (
    <EditorLayout title="Topics" account={props.account} path="/editor/topics">
      <h1>Topics</h1>
      <DoneNote done={props.done} />
      <p class="note">Scores count the votes of patrons whose votes count now, each with their tier's weight. Mark a topic covered on its page.</p>
      {order.map((status) => (
        <section aria-labelledby={`status-${status}`}>
          <h2 id={`status-${status}`}>
            {STATUS_WORDS[status]} ({props.board[status].length})
          </h2>
          {props.board[status].length === 0 ? (
            <p>None.</p>
          ) : (
            <ul class="topics">
              {props.board[status].map((row) => (
                <TopicItem row={row} />
              ))}
            </ul>
          )}
        </section>
      ))}
      <h2 id="create">Create a topic</h2>
      <form method="post" action="/editor/topics">
        <label for="topic-id">Id (lower-case letters, digits and hyphens; it cannot change later)</label>
        <input type="text" id="topic-id" name="id" required maxlength={63} pattern="[a-z0-9][a-z0-9\-]{0,62}" autocomplete="off" />
        <label for="topic-title">Title</label>
        <input type="text" id="topic-title" name="title" required maxlength={120} autocomplete="off" />
        <label for="topic-description">Description (optional)</label>
        <input type="text" id="topic-description" name="description" maxlength={1000} autocomplete="off" />
        <p>
          <button type="submit">Create the topic</button>
        </p>
      </form>
    </EditorLayout>
  );
}
