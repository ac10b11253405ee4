/**
 * `/editor/topics/{id}`: one topic, its score by tier, its votes over time (a chart and its table), the articles to
 * mark it covered with, and its funding goal; each action a form that POSTs and comes back here.
 */
import * as Config from "../../../core/config";
import type * as Editors from "../../../core/editors";
import * as Money from "../../../core/money";
import type * as Topics from "../../../core/topics";
import { Chart } from "./charts";
import { EditorLayout } from "./editor";
import { DoneNote, Funding, STATUS_WORDS, StatusActions, voters, type Done } from "./editor-topics";

const shortDay = (day: string) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));

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
      <DoneNote done={props.done} />
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
