/**
 * The topics page: open topics with their scores, and for a signed-in eligible patron a vote (or withdraw) button
 * on each; the covered ones below. Plus the pages a vote button answers with, and the one-click vote pages of a
 * digest's vote link: opening the link shows the topic and a button; only the button's POST votes.
 */
import type { JSX } from "hono/jsx/jsx-runtime";
import type { PatronVote } from "../../../core/votes";
import * as Money from "../../../core/money";
import { inLanguage, type Funding, type ScoredTopic, type Topic } from "../../../core/topics/types";
import { withSource } from "../../../core/stats/attribution";
import { currentLanguage, t, tr } from "../language";
import { Layout, MessagePage } from "./layout";

/** What a message's tag wraps (its text, and any tags inside it), for `tr().rich`. */
type Chunks = (string | JSX.Element)[];

/** Who is looking: signed out, a reader who can't vote, a patron in grace (withdraw only), or an eligible patron. */
export type Voter =
  | { kind: "signed-out" }
  | { kind: "not-patron" }
  | { kind: "grace"; votes: PatronVote[] }
  | { kind: "paused"; until?: string }
  | { kind: "eligible"; votes: PatronVote[]; max: number };

/** A topic's title and description in the page's language (its translation, else as written). */
export const named = (topic: Pick<Topic, "title" | "description" | "translations">) => inLanguage(topic, currentLanguage());

/** The tags the topics' messages hold: emphasis, a part only screen readers read, and the links they name. */
const strong = (chunks: Chunks) => <strong>{chunks}</strong>;
const vh = (chunks: Chunks) => <span class="vh">{chunks}</span>;
const link = (href: string) => (chunks: Chunks) => <a href={href}>{chunks}</a>;

/** "Score 4 from 2 patrons": the topic's weighted score and how many patrons it comes from. */
export const ScoreLine = (props: { topic: ScoredTopic }) => (
  <p class="score">{t("topics.score", { score: props.topic.score, voters: props.topic.voters })}</p>
);

/**
 * "€120 of €500 raised from 14 contributions", with a `<progress>` named after the topic (no script, no style
 * attribute: the strict CSP allows neither). Only for a topic with a goal. `title` is already in the page's language.
 */
export function FundingProgress(props: { title: string; funding?: Funding }) {
  const { funding } = props;
  if (!funding || funding.goal === null) return <></>;
  const { goal, raised, currency } = funding;
  const language = currentLanguage();
  const done = Math.min(raised, goal);
  return (
    <div class="funding">
      <p>
        {t("topics.funding.progress", {
          raised: Money.format(raised, currency, { language }),
          goal: Money.format(goal, currency, { language }),
          count: funding.contributors,
        })}
      </p>
      <progress max={goal} value={done} aria-label={t("topics.funding.label", { title: props.title })}>
        {tr().number(Math.floor((done * 100) / goal) / 100, { style: "percent" })}
      </progress>
    </div>
  );
}

/** The button that withdraws a patron's vote; its accessible name says which topic. */
export const WithdrawButton = (props: { topic: Pick<ScoredTopic, "id" | "title" | "translations"> }) => (
  <form method="post" action={`/topics/${props.topic.id}/unvote`}>
    <button type="submit" class="secondary">
      {tr().rich("topics.withdraw", { title: named(props.topic).title, vh })}
    </button>
  </form>
);

function Intro(props: { voter: Voter; votesLeft: number }) {
  const { voter } = props;
  if (voter.kind === "signed-out") {
    return <p>{tr().rich("topics.intro.signedOut", { signin: link("/login"), join: link("/join") })}</p>;
  }
  if (voter.kind === "not-patron") return <p>{tr().rich("topics.intro.notPatron", { join: link("/join") })}</p>;
  if (voter.kind === "grace") return <p class="error">{tr().rich("topics.intro.grace", { account: link("/account") })}</p>;
  if (voter.kind === "paused") {
    return <p>{voter.until ? t("pause.topics.intro", { date: tr().date(voter.until, { dateStyle: "long", timeZone: "UTC" }) }) : t("pause.topics.introOpen")}</p>;
  }
  return <p>{tr().rich("topics.intro.eligible", { left: props.votesLeft, max: voter.max, strong })}</p>;
}

function OpenTopic(props: { topic: ScoredTopic; voter: Voter; votesLeft: number }) {
  const { topic, voter } = props;
  const { title, description } = named(topic);
  const voted = (voter.kind === "eligible" || voter.kind === "grace") && voter.votes.some((v) => v.id === topic.id);
  return (
    <li>
      <h3>{title}</h3>
      {description && <p>{description}</p>}
      <ScoreLine topic={topic} />
      <FundingProgress title={title} funding={topic.funding} />
      {topic.funding && topic.funding.goal !== null && (
        <p>
          <a href={withSource(`/support?topic=${topic.id}`, "page:/topics")}>{tr().rich("topics.fund", { title, vh })}</a>
        </p>
      )}
      {voted && <p>{t("topics.voted")}</p>}
      {voted && <WithdrawButton topic={topic} />}
      {!voted && voter.kind === "eligible" && props.votesLeft > 0 && (
        <form method="post" action={`/topics/${topic.id}/vote`}>
          <button type="submit">{tr().rich("topics.vote", { title, vh })}</button>
        </form>
      )}
      {!voted && voter.kind === "eligible" && props.votesLeft === 0 && <p class="note">{t("topics.noVotesLeft")}</p>}
    </li>
  );
}

export function TopicsPage(props: { topics: ScoredTopic[]; voter: Voter }) {
  const { voter } = props;
  const open = props.topics.filter((topic) => topic.status === "open");
  const covered = props.topics.filter((topic) => topic.status === "covered");
  const openVotes = voter.kind === "eligible" ? voter.votes.filter((v) => v.status === "open").length : 0;
  const votesLeft = voter.kind === "eligible" ? Math.max(0, voter.max - openVotes) : 0;
  return (
    <Layout title={t("topics.page.title")}>
      <h1>{t("topics.page.heading")}</h1>
      <Intro voter={voter} votesLeft={votesLeft} />
      <h2>{t("topics.page.open")}</h2>
      {open.length === 0 ? (
        <p>{t("topics.page.noneOpen")}</p>
      ) : (
        <ul class="topics">
          {open.map((topic) => (
            <OpenTopic topic={topic} voter={voter} votesLeft={votesLeft} />
          ))}
        </ul>
      )}
      {covered.length > 0 && (
        <>
          <h2>{t("topics.page.covered")}</h2>
          <ul class="topics">
            {covered.map((topic) => (
              <li>
                <h3>{named(topic).title}</h3>
                <ScoreLine topic={topic} />
                <FundingProgress title={named(topic).title} funding={topic.funding} />
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>
  );
}

/** The way on from a vote's answer. */
const OnwardLinks = () => (
  <p>
    <a href="/topics">{t("topics.onward.topics")}</a> · <a href="/account">{t("topics.onward.account")}</a>
  </p>
);

export function VoteWithdrawnPage(props: { topic: ScoredTopic }) {
  const { topic } = props;
  return (
    <MessagePage title={t("topics.withdrawn.title")}>
      <p>{tr().rich("topics.withdrawn.body", { title: named(topic).title, score: topic.score, voters: topic.voters, strong })}</p>
      <OnwardLinks />
    </MessagePage>
  );
}

export function VotePage(props: { token: string; topic: Topic }) {
  const { title, description } = named(props.topic);
  return (
    <MessagePage title={t("topics.votePage.title")}>
      <p>
        <strong>{title}</strong>
      </p>
      {description && <p>{description}</p>}
      <form method="post" action="/vote">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">{t("topics.votePage.button")}</button>
      </form>
      <p class="note">{t("topics.votePage.note")}</p>
    </MessagePage>
  );
}

export function VotedPage(props: { topic: ScoredTopic }) {
  const { topic } = props;
  return (
    <MessagePage title={t("topics.voted.title")}>
      <p>{tr().rich("topics.voted.body", { title: named(topic).title, score: topic.score, voters: topic.voters, strong })}</p>
      <p class="note">{t("topics.voted.note")}</p>
      <OnwardLinks />
    </MessagePage>
  );
}

/** Why a vote was refused, by its code (`not_eligible`, and in grace; `vote_limit`; `topic_not_open`). */
export type Refusal = { code: "not_eligible"; grace: boolean } | { code: "vote_limit"; max: number } | { code: "topic_not_open" };

function Reason(props: { refusal: Refusal }) {
  const { refusal } = props;
  if (refusal.code === "not_eligible") return <p>{t(refusal.grace ? "topics.refused.grace" : "topics.refused.notEligible")}</p>;
  if (refusal.code === "vote_limit") return <p>{t("topics.refused.voteLimit", { max: refusal.max })}</p>;
  return <p>{t("topics.refused.notOpen")}</p>;
}

/** What the reader can do about each refusal. */
function NextStep(props: { refusal: Refusal }) {
  if (props.refusal.code === "not_eligible") {
    return <p>{tr().rich("topics.refused.next.notEligible", { join: link("/join"), account: link("/account") })}</p>;
  }
  if (props.refusal.code === "vote_limit") return <p>{t("topics.refused.next.voteLimit")}</p>;
  return <p>{t("topics.refused.next.notOpen")}</p>;
}

export function VoteRefusedPage(props: { refusal: Refusal }) {
  return (
    <MessagePage title={t("topics.refused.title")}>
      <Reason refusal={props.refusal} />
      <NextStep refusal={props.refusal} />
      <OnwardLinks />
    </MessagePage>
  );
}
