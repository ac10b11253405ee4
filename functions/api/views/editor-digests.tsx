/**
 * The dashboard's digests (`/editor/digests`): the list with a form to create one, the confirm step before sending,
 * and what a preview frame says when there is no copy. One digest's page is `editor-digest.tsx`.
 */
import type * as Editors from "../../../core/editors";
import { digestStatuses, type Digest, type DigestStatus } from "../../../core/digests/types";
import { EditorLayout } from "./editor";

const number = (n: number) => new Intl.NumberFormat("en-GB").format(n);

export const STATUS_WORDS: Record<DigestStatus, string> = {
  draft: "Draft",
  sending: "Sending",
  paused: "Paused",
  sent: "Sent",
  cancelled: "Cancelled",
};

/** `/editor/digests`: the digests, newest first, and the form that creates one. */
export function DigestsPage(props: {
  account: Editors.EditorAccount;
  digests: Digest[];
  status?: DigestStatus;
  next: string | null;
  periods: { daily: string; weekly: string };
}) {
  const more = props.next && `/editor/digests?${new URLSearchParams({ ...(props.status && { status: props.status }), cursor: props.next })}`;
  return (
    <EditorLayout title="Digests" account={props.account} path="/editor/digests">
      <h1>Digests</h1>
      <h2>Create a digest</h2>
      <p class="note">
        A digest covers what was published since the last one of its frequency was sent. Creating one that exists opens it,
        unchanged.
      </p>
      <form method="post" action="/editor/digests">
        <label for="frequency">Frequency</label>
        <select id="frequency" name="frequency">
          <option value="weekly">Weekly</option>
          <option value="daily">Daily</option>
        </select>
        <label for="period">Period (optional)</label>
        <input type="text" id="period" name="period" maxlength={10} aria-describedby="period-hint" />
        <p class="note" id="period-hint">
          A week such as {props.periods.weekly} or a day such as {props.periods.daily}; empty for the current one.
        </p>
        <label for="subject">Subject (optional)</label>
        <input type="text" id="subject" name="subject" maxlength={200} />
        <label for="intro">Editor's intro (optional)</label>
        <textarea id="intro" name="intro" rows={4} maxlength={5000} />
        <p>
          <button type="submit">Create digest</button>
        </p>
      </form>
      <h2>All digests</h2>
      <form method="get" action="/editor/digests">
        <label for="status">Status</label>
        <select id="status" name="status">
          <option value="">Any</option>
          {digestStatuses.map((status) => (
            <option value={status} selected={status === props.status}>
              {STATUS_WORDS[status]}
            </option>
          ))}
        </select>
        <p>
          <button type="submit" class="secondary">
            Show
          </button>
        </p>
      </form>
      {props.digests.length === 0 ? (
        <p>No digests {props.status ? `are ${props.status}` : "yet"}.</p>
      ) : (
        <DigestTable caption="Digests, newest first" digests={props.digests} />
      )}
      {more && (
        <p>
          <a href={more}>Older digests</a>
        </p>
      )}
    </EditorLayout>
  );
}

/** `/editor/digests/{id}/send`: the confirm step before a digest goes to every subscriber. */
export function ConfirmSendPage(props: { account: Editors.EditorAccount; digest: Digest; articles: number }) {
  const { digest } = props;
  const resume = digest.status === "paused";
  return (
    <EditorLayout title={`Send ${digest.subject}?`} account={props.account} path="/editor/digests">
      <h1>{resume ? "Resume sending?" : "Send this digest?"}</h1>
      <p>
        “{digest.subject}” ({digest.frequency} {digest.period}, {number(props.articles)} {props.articles === 1 ? "article" : "articles"}){" "}
        {resume
          ? `goes on to the subscribers not sent it yet. It was paused: ${digest.pauseReason ?? "no reason was recorded"}.`
          : `goes to every active ${digest.frequency} subscriber with something to read in it. This cannot be undone, only cancelled part-way.`}
      </p>
      <form method="post" action={`/editor/digests/${digest.id}/send`}>
        <input type="hidden" name="confirm" value="send" />
        <p>
          <button type="submit">{resume ? "Yes, resume sending" : "Yes, send it now"}</button>
        </p>
      </form>
      <p>
        <a href={`/editor/digests/${digest.id}`}>No, back to the digest</a>
      </p>
    </EditorLayout>
  );
}

/** What a preview frame shows when there is no copy to show (nothing to read for this reader): framable, unstyled. */
export function PreviewMissing(props: { message: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>No copy to preview</title>
      </head>
      <body>
        <p>{props.message}</p>
      </body>
    </html>
  );
}

/** Digests with their status, articles and delivery counts, each linking to its page (the list; the overview's sends). */
export function DigestTable(props: { caption: string; digests: readonly Digest[] }) {
  return (
    <div class="scroll">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Digest</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Articles
            </th>
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
          </tr>
        </thead>
        <tbody>
          {props.digests.map((digest) => (
            <tr>
              <td>
                <a href={`/editor/digests/${digest.id}`}>{digest.subject}</a>
                <br />
                <span class="note">
                  {digest.frequency} {digest.period}
                </span>
              </td>
              <td>
                {STATUS_WORDS[digest.status]}
                {digest.status === "paused" && digest.pauseReason ? `: ${digest.pauseReason}` : ""}
              </td>
              <td class="num">{number(digest.articleIds.length)}</td>
              <td class="num">{number(digest.counts.recipients)}</td>
              <td class="num">{number(digest.counts.sent)}</td>
              <td class="num">{number(digest.counts.queued + digest.counts.sending)}</td>
              <td class="num">{number(digest.counts.failed)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
