/**
 * The topics page: open topics with their scores, and for a signed-in eligible patron a vote (or withdraw) button
 * on each; the covered ones below. Plus the pages a vote button answers with, and the one-click vote pages of a
 * digest's vote link: opening the link shows the topic and a button; only the button's POST votes.
 */
import type { PatronVote } from "../../../core/votes";
import * as Money from "../../../core/money";
import type { Funding, ScoredTopic, Topic } from "../../../core/topics/types";
import { Layout, MessagePage } from "./layout";

/** Who is looking: signed out, a reader who can't vote, a patron in grace (withdraw only), or an eligible patron. */
export type Voter =
  | { kind: "signed-out" }
  | { kind: "not-patron" }
  | { kind: "grace"; votes: PatronVote[] }
  | { kind: "eligible"; votes: PatronVote[]; max: number };

const voters = (n: number) => `${n} ${n === 1 ? "patron" : "patrons"}`;

/** "Score 4 from 2 patrons": the topic's weighted score and how many patrons it comes from. */
export const ScoreLine = (props: { topic: ScoredTopic }) => (
  <p class="score">
    Score {props.topic.score} from {voters(props.topic.voters)}
  </p>
);

const contributions = (n: number) => `${n} ${n === 1 ? "contribution" : "contributions"}`;

/**
 * "€120 of €500 raised from 14 contributions", with a `<progress>` named after the topic (no script, no style
 * attribute: the strict CSP allows neither). Only for a topic with a goal.
 */
export function FundingProgress(props: { title: string; funding?: Funding }) {
  const { funding } = props;
  if (!funding || funding.goal === null) return <></>;
  const { goal, raised, currency } = funding;
  return (
    <div class="funding">
      <p>
        {Money.format(raised, currency)} of {Money.format(goal, currency)} raised from {contributions(funding.contributors)}
      </p>
      <progress max={goal} value={Math.min(raised, goal)} aria-label={`Funding for ${props.title}`}>
        {Math.floor((Math.min(raised, goal) * 100) / goal)}%
      </progress>
    </div>
  );
}

/** The button that withdraws a patron's vote; its accessible name says which topic. */
export const WithdrawButton = (props: { topic: Pick<ScoredTopic, "id" | "title"> }) => (
  <form method="post" action={`/topics/${props.topic.id}/unvote`}>
    <button type="submit" class="secondary">
      Withdraw my vote<span class="vh"> for {props.topic.title}</span>
    </button>
  </form>
);

function Intro(props: { voter: Voter; votesLeft: number }) {
  const { voter } = props;
  if (voter.kind === "signed-out") {
    return (
      <p>
        Patrons vote on what we cover next. A patron already? <a href="/login">Sign in</a> to vote. Not yet?{" "}
        <a href="/join">Become a patron</a>.
      </p>
    );
  }
  if (voter.kind === "not-patron") {
    return (
      <p>
        Patrons vote on what we cover next. <a href="/join">Become a patron</a> to have your say.
      </p>
    );
  }
  if (voter.kind === "grace") {
    return (
      <p class="error">
        Your membership's payment is overdue: your votes still count, but you can cast new ones only once it is settled (
        <a href="/account">your account</a> has the way to do it).
      </p>
    );
  }
  return (
    <p>
      You have <strong>{props.votesLeft}</strong> of {voter.max} votes left. Your vote counts with your tier's weight.
    </p>
  );
}

function OpenTopic(props: { topic: ScoredTopic; voter: Voter; votesLeft: number }) {
  const { topic, voter } = props;
  const voted = (voter.kind === "eligible" || voter.kind === "grace") && voter.votes.some((v) => v.id === topic.id);
  return (
    <li>
      <h3>{topic.title}</h3>
      {topic.description && <p>{topic.description}</p>}
      <ScoreLine topic={topic} />
      <FundingProgress title={topic.title} funding={topic.funding} />
      {topic.funding && topic.funding.goal !== null && (
        <p>
          <a href={`/support?topic=${topic.id}`}>
            Fund this story<span class="vh">: {topic.title}</span>
          </a>
        </p>
      )}
      {voted && <p>You voted for this topic.</p>}
      {voted && <WithdrawButton topic={topic} />}
      {!voted && voter.kind === "eligible" && props.votesLeft > 0 && (
        <form method="post" action={`/topics/${topic.id}/vote`}>
          <button type="submit">
            Vote<span class="vh"> for {topic.title}</span>
          </button>
        </form>
      )}
      {!voted && voter.kind === "eligible" && props.votesLeft === 0 && (
        <p class="note">Withdraw one of your votes to vote for this topic.</p>
      )}
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
    <Layout title="Topics">
      <h1>What should we cover next?</h1>
      <Intro voter={voter} votesLeft={votesLeft} />
      <h2>Open for votes</h2>
      {open.length === 0 ? (
        <p>No topics are open for votes right now. Come back soon.</p>
      ) : (
        <ul class="topics">
          {open.map((topic) => (
            <OpenTopic topic={topic} voter={voter} votesLeft={votesLeft} />
          ))}
        </ul>
      )}
      {covered.length > 0 && (
        <>
          <h2>Covered</h2>
          <ul class="topics">
            {covered.map((topic) => (
              <li>
                <h3>{topic.title}</h3>
                <ScoreLine topic={topic} />
                <FundingProgress title={topic.title} funding={topic.funding} />
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
    <a href="/topics">Back to the topics</a> · <a href="/account">Your account</a>
  </p>
);

export function VoteWithdrawnPage(props: { topic: ScoredTopic }) {
  return (
    <MessagePage title="Your vote is withdrawn">
      <p>
        You no longer vote for <strong>{props.topic.title}</strong>. Its score is now {props.topic.score} from{" "}
        {voters(props.topic.voters)}, and you have that vote to give to another topic.
      </p>
      <OnwardLinks />
    </MessagePage>
  );
}

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
