/**
 * `/editor/topics/{id}`: one topic, its score by tier, its votes over time (a chart and its table), the articles to
 * mark it covered with, and its funding goal; each action a form that POSTs and comes back here.
 */
import * as Config from "../../../core/config";
import type * as Editors from "../../../core/editors";
import * as Money from "../../../core/money";
import type * as Topics from "../../../core/topics";
import { t, tr } from "../language";
import { amountExample } from "./amount-example";
import { Chart } from "./charts";
import { EditorLayout } from "./editor";
import { DoneNote, Funding, STATUS_WORDS, StatusActions, TranslationFields, otherLanguages, score, type Done } from "./editor-topics";

const shortDay = (day: string) => tr().date(`${day}T00:00:00Z`, { day: "numeric", month: "short", timeZone: "UTC" });
const publishedOn = (at: string) => tr().date(at, { dateStyle: "medium", timeZone: "UTC" });

function CoverForm(props: { page: Topics.TopicPage }) {
  const { topic, recent } = props.page;
  const chosen = new Set(topic.articleIds);
  const listed = new Set(recent.map((article) => article.id));
  const others = topic.articleIds.filter((id) => !listed.has(id));
  return (
    <form method="post" action={`/editor/topics/${topic.id}/covered`}>
      {recent.length === 0 ? (
        <p>{t("editor-topics.cover.noArticles")}</p>
      ) : (
        <fieldset>
          <legend>{t("editor-topics.cover.legend")}</legend>
          {recent.map((article) => (
            <div class="check">
              <input type="checkbox" id={`article-${article.id}`} name="articleIds" value={article.id} checked={chosen.has(article.id)} />{" "}
              <label for={`article-${article.id}`}>
                {tr().rich("editor-topics.cover.article", {
                  title: article.title,
                  date: publishedOn(article.publishedAt),
                  id: article.id,
                  note: (chunks) => <span class="note">{chunks}</span>,
                })}
              </label>
            </div>
          ))}
        </fieldset>
      )}
      <label for="other-articles">{t("editor-topics.cover.otherIds")}</label>
      <input type="text" id="other-articles" name="otherIds" maxlength={2000} value={others.join(", ")} autocomplete="off" />
      <p>
        <button type="submit">{t(topic.status === "covered" ? "editor-topics.cover.save" : "editor-topics.cover.mark")}</button>
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
      <label for="goal">{t("editor-topics.goal.label", { currency: currency.toUpperCase(), example: amountExample(currency) })}</label>
      <input type="text" id="goal" name="goal" value={current} inputmode={input.inputmode} pattern={input.pattern} maxlength={20} autocomplete="off" />
      <p>
        <button type="submit" name="action" value="set">
          {t("editor-topics.goal.set")}
        </button>{" "}
        {topic.fundingGoal !== undefined && (
          <button type="submit" name="action" value="remove" class="secondary" formnovalidate>
            {t("editor-topics.goal.remove")}
          </button>
        )}
      </p>
    </form>
  );
}

/** The topic's title and description in each language but the default: what readers of that language see. */
function TranslationsForm(props: { topic: Topics.Topic }) {
  if (otherLanguages().length === 0) return <></>;
  return (
    <>
      <h2 id="translations">{t("editor-topics.translation.heading")}</h2>
      <p class="note">{t("editor-topics.translation.note")}</p>
      <form method="post" action={`/editor/topics/${props.topic.id}/translations`}>
        <TranslationFields idPrefix="translation" translations={props.topic.translations} />
        <p>
          <button type="submit">{t("editor-topics.translation.submit")}</button>
        </p>
      </form>
    </>
  );
}

/** `/editor/topics/{id}`: one topic, its votes by tier and over time, and its actions. */
export function TopicPage(props: { account: Editors.EditorAccount; page: Topics.TopicPage; done?: Done }) {
  const { page } = props;
  const { topic, overTime } = page;
  return (
    <EditorLayout title={topic.title} account={props.account} path="/editor/topics">
      <p>
        <a href="/editor/topics">{t("editor-topics.topic.back")}</a>
      </p>
      <h1>{topic.title}</h1>
      <DoneNote done={props.done} />
      <p>{tr().rich("editor-topics.topic.summary", { status: t(STATUS_WORDS[topic.status]), id: topic.id, code: (chunks) => <code>{chunks}</code> })}</p>
      {topic.description && <p>{topic.description}</p>}
      <StatusActions topic={topic} />
      <h2>{t("editor-topics.topic.votes")}</h2>
      <p class="score">{score(page)}</p>
      {page.byTier.length > 0 && (
        <div class="scroll">
          <table>
            <caption>{t("editor-topics.topic.tiers.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("editor-topics.topic.tiers.tier")}</th>
                <th scope="col" class="num">
                  {t("editor-topics.topic.tiers.score")}
                </th>
                <th scope="col" class="num">
                  {t("editor-topics.topic.tiers.voters")}
                </th>
              </tr>
            </thead>
            <tbody>
              {page.byTier.map((tier) => (
                <tr>
                  <th scope="row">{tier.tierName}</th>
                  <td class="num">{tr().number(tier.score)}</td>
                  <td class="num">{tr().number(tier.voters)}</td>
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
            title={t("editor-topics.chart.title")}
            labelHeading={t("editor-topics.chart.day")}
            labels={overTime.days.map(shortDay)}
            series={[
              { name: t("editor-topics.chart.cast"), values: overTime.cast },
              { name: t("editor-topics.chart.counting"), values: overTime.counting },
            ]}
          />
          <p class="note">{t("editor-topics.chart.note")}</p>
        </>
      )}
      <h2 id="covered">{t("editor-topics.covered.heading")}</h2>
      {page.coveredBy.length > 0 ? (
        <ul>
          {page.coveredBy.map((article) => (
            <li>
              <a href={article.url}>{article.title}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t("editor-topics.covered.none")}</p>
      )}
      <CoverForm page={page} />
      {topic.status !== "proposed" && (
        <>
          <h2>{t("editor-topics.funding.heading")}</h2>
          <Funding row={page} />
          <GoalForm page={page} />
        </>
      )}
      <TranslationsForm topic={topic} />
    </EditorLayout>
  );
}
