/** `/editor`: the overview (sends in progress, the next scheduled digests). */
import type * as Editors from "../../../core/editors";
import type { Overview } from "../../../core/editors/overview";
import type { Digest } from "../../../core/digests/types";
import { EditorLayout } from "./editor";

const when = (at: Date, timezone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: timezone, weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" }).format(at);

const number = (n: number) => new Intl.NumberFormat("en-GB").format(n);

function SendTable(props: { caption: string; digests: Digest[] }) {
  return (
    <div class="scroll">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Digest</th>
            <th scope="col" class="num">
              Recipients
            </th>
            <th scope="col" class="num">
              Sent
            </th>
            <th scope="col" class="num">
              Waiting
            </th>
            <th scope="col" class="num">
              Failed
            </th>
            <th scope="col">Why paused</th>
          </tr>
        </thead>
        <tbody>
          {props.digests.map((digest) => (
            <tr>
              <td>{digest.subject}</td>
              <td class="num">{number(digest.counts.recipients)}</td>
              <td class="num">{number(digest.counts.sent)}</td>
              <td class="num">{number(digest.counts.queued + digest.counts.sending)}</td>
              <td class="num">{number(digest.counts.failed)}</td>
              <td>{digest.pauseReason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OverviewPage(props: { account: Editors.EditorAccount } & Overview) {
  const inFlight = [...props.sending, ...props.paused];
  return (
    <EditorLayout title="Overview" account={props.account} path="/editor">
      <h1>Overview</h1>
      <p class="note">
        Signed in as {props.account.email} ({props.account.role}).
      </p>
      <h2>Sending now</h2>
      {inFlight.length === 0 ? <p>No digest is being sent.</p> : <SendTable caption="Digests being sent or paused" digests={inFlight} />}
      <h2>Next scheduled digests</h2>
      {props.next.length === 0 ? (
        <p>Digests are not sent on a schedule here: editors create and send them.</p>
      ) : (
        <ul>
          {props.next.map((run) => (
            <li>
              {run.frequency === "daily" ? "Daily" : "Weekly"}: <time datetime={run.at.toISOString()}>{when(run.at, props.timezone)}</time> ({props.timezone})
            </li>
          ))}
        </ul>
      )}
    </EditorLayout>
  );
}
