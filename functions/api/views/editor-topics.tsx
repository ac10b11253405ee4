/**
 * `/editor/topics`: the topics by status with their scores (by tier) and funding, and the editors' actions on them,
 * each a form that POSTs and comes back here (no JavaScript needed); and the parts a topic's own page
 * (`editor-topic.tsx`) shares with it.
 */
import * as Config from "../../../core/config";
import type * as Editors from "../../../core/editors";
import type { MessageKey } from "../../../core/i18n";
import * as Money from "../../../core/money";
import type * as Topics from "../../../core/topics";
import { currentLanguage, t, tr } from "../language";
import { EditorLayout } from "./editor";
import { FundingProgress } from "./topics";

/** What a form did, as the page it comes back to says it (`?done=`): its message. */
export const DONE = {
  created: "editor-topics.done.created",
  opened: "editor-topics.done.opened",
  closed: "editor-topics.done.closed",
  covered: "editor-topics.done.covered",
  goal: "editor-topics.done.goal",
  "goal-removed": "editor-topics.done.goal-removed",
  translated: "editor-topics.done.translated",
} as const satisfies Record<string, MessageKey>;
export type Done = keyof typeof DONE;

/** A status's name, as the board's headings and a topic's page say it. */
export const STATUS_WORDS = {
  open: "editor-topics.status.open",
  proposed: "editor-topics.status.proposed",
  closed: "editor-topics.status.closed",
  covered: "editor-topics.status.covered",
} as const satisfies Record<Topics.TopicStatus, MessageKey>;

/** An amount as the page's language writes it. */
export const money = (amount: number, currency: string) => Money.format(amount, currency, { language: currentLanguage() });

/** The language of a topic's own title and description: the first of LANGUAGES. */
export const defaultLanguage = () => Config.get().LANGUAGES[0]!;

/**
 * The languages a topic is translated into from the dashboard: every one of LANGUAGES but the first, whose title is
 * the topic's own.
 */
export const otherLanguages = () => Config.get().LANGUAGES.slice(1);

export function DoneNote(props: { done?: Done }) {
  return props.done ? (
    <p role="status" class="status">
      {t(DONE[props.done])}
    </p>
  ) : (
    <></>
  );
}

/** A status change's button; its accessible name says which topic. */
function StatusButton(props: { topic: Topics.Topic; status: "open" | "closed"; label: MessageKey; secondary?: boolean }) {
  return (
    <button type="submit" name="status" value={props.status} class={props.secondary ? "secondary" : undefined}>
      {t(props.label)}
      <span class="vh"> {t("editor-topics.action.which", { title: props.topic.title })}</span>
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
          <StatusButton topic={topic} status="open" label="editor-topics.action.approve" />{" "}
          <StatusButton topic={topic} status="closed" label="editor-topics.action.turnDown" secondary />
        </>
      ) : topic.status === "open" ? (
        <StatusButton topic={topic} status="closed" label="editor-topics.action.close" secondary />
      ) : (
        <StatusButton
          topic={topic}
          status="open"
          label={topic.status === "closed" ? "editor-topics.action.reopen" : "editor-topics.action.reopenForVotes"}
          secondary
        />
      )}
    </form>
  );
}

function TierScores(props: { row: Topics.BoardTopic }) {
  if (props.row.byTier.length === 0) return <></>;
  const tiers = props.row.byTier.map((tier) =>
    t("editor-topics.byTier.one", { tier: tier.tierName, score: tr().number(tier.score), voters: tier.voters }),
  );
  return <p>{t("editor-topics.byTier", { tiers: tiers.join("; ") })}</p>;
}

export function Funding(props: { row: Topics.BoardTopic }) {
  const { funding, topic } = props.row;
  if (!funding) return <></>;
  if (funding.goal !== null) return <FundingProgress title={topic.title} funding={funding} />;
  if (funding.raised === 0) return <p class="note">{t("editor-topics.funding.none")}</p>;
  return <p>{t("editor-topics.funding.raisedNoGoal", { amount: money(funding.raised, funding.currency) })}</p>;
}

/** "Score 4 from 2 voters". */
export const score = (row: { score: number; voters: number }) => t("editor-topics.score", { score: tr().number(row.score), voters: row.voters });

function TopicItem(props: { row: Topics.BoardTopic }) {
  const { topic } = props.row;
  return (
    <li id={`topic-${topic.id}`}>
      <h3>
        <a href={`/editor/topics/${topic.id}`}>{topic.title}</a>
      </h3>
      {topic.status !== "proposed" && <p class="score">{score(props.row)}</p>}
      <TierScores row={props.row} />
      <Funding row={props.row} />
      {topic.status === "proposed" && topic.description && <p>{topic.description}</p>}
      <Translations topic={topic} />
      <StatusActions topic={topic} />
      {(topic.status === "open" || topic.status === "closed") && (
        <p>
          {tr().rich("editor-topics.board.coverOrGoal", {
            title: topic.title,
            link: (chunks) => <a href={`/editor/topics/${topic.id}#covered`}>{chunks}</a>,
            which: (chunks) => <span class="vh">{chunks}</span>,
          })}
        </p>
      )}
    </li>
  );
}

/** The topic's title in each other language, or a link to give it one: readers of that language see it by this. */
function Translations(props: { topic: Topics.Topic }) {
  const { topic } = props;
  return (
    <>
      {otherLanguages().map((code) => {
        const language = tr().languageName(code);
        const title = topic.translations?.[code]?.title;
        return title ? (
          <p class="note">
            {tr().rich("editor-topics.translation.shown", { language, title, translated: (chunks) => <span lang={code}>{chunks}</span> })}
          </p>
        ) : (
          <p class="note">
            {tr().rich("editor-topics.translation.missing", {
              language,
              title: topic.title,
              link: (chunks) => <a href={`/editor/topics/${topic.id}#translations`}>{chunks}</a>,
              which: (chunks) => <span class="vh">{chunks}</span>,
            })}
          </p>
        );
      })}
    </>
  );
}

/**
 * A topic's title and description in each language but the default, as fields named `title.<code>` and
 * `description.<code>`: in the create form empty, on a topic's page with what it has.
 */
export function TranslationFields(props: { translations?: Topics.Topic["translations"]; idPrefix: string }) {
  return (
    <>
      {otherLanguages().map((code) => {
        const language = tr().languageName(code);
        const translation = props.translations?.[code];
        return (
          <>
            <label for={`${props.idPrefix}-title-${code}`}>{t("editor-topics.translation.title", { language })}</label>
            <input
              type="text"
              id={`${props.idPrefix}-title-${code}`}
              name={`title.${code}`}
              lang={code}
              maxlength={120}
              value={translation?.title}
              autocomplete="off"
            />
            <label for={`${props.idPrefix}-description-${code}`}>{t("editor-topics.translation.description", { language })}</label>
            <input
              type="text"
              id={`${props.idPrefix}-description-${code}`}
              name={`description.${code}`}
              lang={code}
              maxlength={1000}
              value={translation?.description}
              autocomplete="off"
            />
          </>
        );
      })}
    </>
  );
}

/** `/editor/topics`: every topic by status, a form to create one. */
export function TopicsBoardPage(props: { account: Editors.EditorAccount; board: Topics.Board; done?: Done }) {
  const order: Topics.TopicStatus[] = ["open", "proposed", "closed", "covered"];
  return (
    <EditorLayout title={t("editor-topics.board.title")} account={props.account} path="/editor/topics">
      <h1>{t("editor-topics.board.title")}</h1>
      <DoneNote done={props.done} />
      <p class="note">{t("editor-topics.board.note")}</p>
      {order.map((status) => (
        <section aria-labelledby={`status-${status}`}>
          <h2 id={`status-${status}`}>{t("editor-topics.board.section", { status: t(STATUS_WORDS[status]), count: props.board[status].length })}</h2>
          {props.board[status].length === 0 ? (
            <p>{t("editor-topics.board.none")}</p>
          ) : (
            <ul class="topics">
              {props.board[status].map((row) => (
                <TopicItem row={row} />
              ))}
            </ul>
          )}
        </section>
      ))}
      <h2 id="create">{t("editor-topics.create.heading")}</h2>
      <form method="post" action="/editor/topics">
        <label for="topic-id">{t("editor-topics.create.id")}</label>
        <input type="text" id="topic-id" name="id" required maxlength={63} pattern="[a-z0-9][a-z0-9\-]{0,62}" autocomplete="off" />
        <label for="topic-title">{t("editor-topics.create.title", { language: tr().languageName(defaultLanguage()) })}</label>
        <input type="text" id="topic-title" name="title" required maxlength={120} autocomplete="off" />
        <label for="topic-description">{t("editor-topics.create.description", { language: tr().languageName(defaultLanguage()) })}</label>
        <input type="text" id="topic-description" name="description" maxlength={1000} autocomplete="off" />
        <TranslationFields idPrefix="topic" />
        <p>
          <button type="submit">{t("editor-topics.create.submit")}</button>
        </p>
      </form>
    </EditorLayout>
  );
}
