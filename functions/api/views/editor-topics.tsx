/**
 * `/editor/topics` and `/editor/topics/{id}`: the topics by status with their scores (by tier) and funding, and the
 * editors' actions on them, each a form that POSTs and comes back here (no JavaScript needed). A topic's page adds
 * its votes over time (a chart and its table), the articles to mark it covered with, and its funding goal.
 */
import * as Config from "../../../core/config";
import type * as Editors from "../../../core/editors";
import * as Money from "../../../core/money";
import type * as Topics from "../../../core/topics";
import { Chart } from "./charts";
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

const STATUS_WORDS: Record<Topics.TopicStatus, string> = {
  open: "Open for votes",
  proposed: "Proposed by patrons",
  closed: "Closed",
  covered: "Covered",
};

const voters = (n: number) => `${n} ${n === 1 ? "voter" : "voters"}`;
const shortDay = (day: string) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));

function Done(props: { done?: Done }) {
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
function StatusActions(props: { topic: Topics.Topic }) {
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

function Funding(props: { row: Topics.BoardTopic }) {
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
      <Done done={props.done} />
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

function CoverForm(props: { page: Topics.TopicPage }) {
  const { topic, recent } = props.page;
  const chosen = new Set(topic.articleIds);
  const listed = new Set(recent.map((article) => article.id));
  const others = topic.articleIds.filter((id) => !listed.has(id));
  return (
    <form method="post" action={`/editor/topics/${topic.id}/covered`}>
      {recent.length === 0 ? (
        <p>No articles are published yet.</p>
      ) : (
        <fieldset>
          <legend>Articles that cover it (the newest 20, and those it is covered by)</legend>
          {recent.map((article) => (
            <div class="check">
              <input type="checkbox" id={`article-${article.id}`} name="articleIds" value={article.id} checked={chosen.has(article.id)} />{" "}
              <label for={`article-${article.id}`}>
                {article.title} <span class="note">({article.publishedAt.slice(0, 10)}, {article.id})</span>
              </label>
            </div>
          ))}
        </fieldset>
      )}
      <label for="other-articles">Other article ids, separated by commas (optional)</label>
      <input type="text" id="other-articles" name="otherIds" maxlength={2000} value={others.join(", ")} autocomplete="off" />
      <p>
        <button type="submit">{topic.status === "covered" ? "Save the articles" : "Mark covered"}</button>
      </p>
    </form>
  );
}

function GoalForm(props: { page: Topics.TopicPage }) {
  const { topic, funding } = props.page;
  const currency = funding?.currency ?? Config.get().CONTRIBUTION_CURRENCY;
  const input = Money.inputOf(currency);
  const units = Money.minorUnits(currency);
  const current = topic.fundingGoal === undefined ? "" : String(topic.fundingGoal / units);
  return (
    <form method="post" action={`/editor/topics/${topic.id}/funding`}>
      <label for="goal">Funding goal in {currency.toUpperCase()} (for example {Money.example(currency)})</label>
      <input type="text" id="goal" name="goal" value={current} inputmode={input.inputmode} pattern={input.pattern} maxlength={20} autocomplete="off" />
      <p>
        <button type="submit" name="action" value="set">
          Set the goal
        </button>{" "}
        {topic.fundingGoal !== undefined && (
          <button type="submit" name="action" value="remove" class="secondary" formnovalidate>
            Remove the goal
          </button>
        )}
      </p>
    </form>
  );
}

/** `/editor/topics/{id}`: one topic, its votes by tier and over time, and its actions. */
export function TopicPage(props: { account: Editors.EditorAccount; page: Topics.TopicPage; done?: Done }) {
  const { page } = props;
  const { topic, overTime } = page;
  return (
    <EditorLayout title={topic.title} account={props.account} path="/editor/topics">
      <p>
        <a href="/editor/topics">All topics</a>
      </p>
      <h1>{topic.title}</h1>
      <Done done={props.done} />
      <p>
        {STATUS_WORDS[topic.status]}. Id <code>{topic.id}</code>.
      </p>
      {topic.description && <p>{topic.description}</p>}
      <StatusActions topic={topic} />
      <h2>Votes</h2>
      <p class="score">
        Score {page.score} from {voters(page.voters)}
      </p>
      {page.byTier.length > 0 && (
        <div class="scroll">
          <table>
            <caption>Score by tier (votes that count now)</caption>
            <thead>
              <tr>
                <th scope="col">Tier</th>
                <th scope="col" class="num">
                  Score
                </th>
                <th scope="col" class="num">
                  Voters
                </th>
              </tr>
            </thead>
            <tbody>
              {page.byTier.map((tier) => (
                <tr>
                  <th scope="row">{tier.tierName}</th>
                  <td class="num">{tier.score}</td>
                  <td class="num">{tier.voters}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {topic.status !== "proposed" && (
        <>
          <Chart
            id="votes-over-time"
            kind="line"
            title="Votes held now, by the day they were cast (last 90 days)"
            labelHeading="Day"
            labels={overTime.days.map(shortDay)}
            series={[
              { name: "Votes cast", values: overTime.cast },
              { name: "Of them, counting now", values: overTime.counting },
            ]}
          />
          <p class="note">A withdrawn vote leaves no record, so the line shows when today's votes arrived, not how many each past day held.</p>
        </>
      )}
      <h2 id="covered">Covered by</h2>
      {page.coveredBy.length > 0 ? (
        <ul>
          {page.coveredBy.map((article) => (
            <li>
              <a href={article.url}>{article.title}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p>No articles yet.</p>
      )}
      <CoverForm page={page} />
      {topic.status !== "proposed" && (
        <>
          <h2>Funding</h2>
          <Funding row={page} />
          <GoalForm page={page} />
        </>
      )}
    </EditorLayout>
  );
}
