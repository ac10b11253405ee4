/**
 * One digest's page in the dashboard (`/editor/digests/{id}`): its articles, previews of its copies in sandboxed
 * frames at phone and desktop widths, test copies, the way to send (a confirm step) and cancel, its progress while
 * it sends (refreshing itself, or its script polling), and its deliveries by status. Every action is a form.
 */
import type { Article } from "../../../core/articles";
import type { Delivery, Pace } from "../../../core/delivery";
import type * as Editors from "../../../core/editors";
import { deliveryStatuses, type DeliveryStatus, type Digest } from "../../../core/digests/types";
import { EditorLayout } from "./editor";
import { STATUS_WORDS } from "./editor-digests";
import { duration, PROGRESS_SCRIPT, REFRESH_SECONDS, type Notice } from "./editor-digests-script";

/** The widths a copy is previewed at: a phone's and a desktop mail client's reading pane. */
export const PREVIEW_WIDTHS = [
  { name: "Phone", width: 375 },
  { name: "Desktop", width: 700 },
] as const;

const number = (n: number) => new Intl.NumberFormat("en-GB").format(n);
const rate = (n: number) => new Intl.NumberFormat("en-GB", { maximumFractionDigits: n < 10 ? 1 : 0 }).format(n);
const utc = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

/** What a digest's page shows of its deliveries: one status (or all), a page at a time. */
export interface DeliveriesView {
  status?: DeliveryStatus;
  deliveries: Delivery[];
  next: string | null;
}

/** `/editor/digests/{id}`. */
export function DigestPage(props: {
  account: Editors.EditorAccount;
  digest: Digest;
  articles: Article[];
  pace?: Pace;
  deliveries: DeliveriesView;
  /** The subscriber whose copy is previewed beside the free and patron ones. */
  previewEmail?: string;
  notice?: { kind: Notice; count?: number };
}) {
  const { digest } = props;
  const base = `/editor/digests/${digest.id}`;
  const sending = digest.status === "sending";
  const open = digest.status === "draft";
  return (
    <EditorLayout title={digest.subject} account={props.account} path="/editor/digests">
      {sending && props.pace && (
        // Raw: a JSX <meta> would be hoisted into <head>, out of <noscript>, and refresh under the script too. The
        // URL is ours: a digest id of [a-z0-9-] and two numbers.
        <noscript
          dangerouslySetInnerHTML={{
            __html: `<meta http-equiv="refresh" content="${REFRESH_SECONDS}; url=${base}?at=${props.pace.sample.at}&amp;done=${props.pace.sample.done}">`,
          }}
        />
      )}
      <p>
        <a href="/editor/digests">All digests</a>
      </p>
      <h1>{digest.subject}</h1>
      {props.notice && <NoticeLine {...props.notice} />}
      <p>
        {digest.frequency === "daily" ? "Daily" : "Weekly"} digest {digest.period}, {STATUS_WORDS[digest.status].toLowerCase()}. Covers{" "}
        {utc(digest.coversFrom)} to {utc(digest.coversTo)}.
      </p>
      {digest.intro && <p class="note">Intro: {digest.intro}</p>}

      <Progress digest={digest} pace={props.pace} base={base} />

      <h2>Articles</h2>
      {props.articles.length === 0 ? (
        <p>No articles were published in this period: nobody would get this digest.</p>
      ) : (
        <ul>
          {props.articles.map((article) => (
            <li>
              <a href={article.url}>{article.title}</a> <span class="note">({article.topics.join(", ")})</span>
            </li>
          ))}
        </ul>
      )}

      {open ? (
        <Previews base={base} previewEmail={props.previewEmail} />
      ) : (
        <details>
          <summary>Previews</summary>
          <Previews base={base} previewEmail={props.previewEmail} />
        </details>
      )}

      {open && <TestForm base={base} previewEmail={props.previewEmail} />}
      <Actions digest={digest} base={base} />
      <Deliveries base={base} view={props.deliveries} digest={digest} />
    </EditorLayout>
  );
}

function NoticeLine(props: { kind: Notice; count?: number }) {
  const text = {
    created: "Digest created.",
    existed: "This digest existed already: here it is, unchanged.",
    tested: `Test copies sent to ${number(props.count ?? 0)} ${props.count === 1 ? "address" : "addresses"}.`,
    sending: "Sending has begun.",
    cancelled: "Cancelled: nothing more will be sent.",
  }[props.kind];
  return (
    <p class="status" role="status">
      {text}
    </p>
  );
}

function Progress(props: { digest: Digest; pace?: Pace; base: string }) {
  const { digest, pace } = props;
  if (digest.status === "draft") return null;
  const counts = digest.counts;
  const live = digest.status === "sending";
  return (
    <section aria-labelledby="progress" data-progress={live ? `${props.base}/progress` : undefined}>
      <h2 id="progress">Progress</h2>
      {digest.status === "paused" && (
        <p class="error">
          Paused: <span data-field="pauseReason">{digest.pauseReason ?? "no reason was recorded"}</span>. Sending again resumes it.
        </p>
      )}
      {digest.status === "cancelled" && <p>Cancelled: nothing more is sent. What was sent stays sent.</p>}
      {digest.status === "sent" && digest.sentAt && <p>Sent, finished {utc(digest.sentAt)}.</p>}
      {live && pace && (
        <p aria-live="polite">
          <span data-field="perSecond">{pace.perSecond === undefined ? "Measuring the pace" : `${rate(pace.perSecond)} emails a second`}</span>;{" "}
          <span data-field="secondsLeft">
            {pace.secondsLeft === undefined ? "time left not known yet" : `about ${duration(pace.secondsLeft)} left`}
          </span>
          . This page updates every {REFRESH_SECONDS} seconds. <a href={props.base}>Refresh now</a>
        </p>
      )}
      <table>
        <caption>Deliveries by status</caption>
        <tbody>
          <tr>
            <th scope="row">Recipients</th>
            <td class="num" data-field="recipients">
              {number(counts.recipients)}
            </td>
          </tr>
          {deliveryStatuses.map((status) => (
            <tr>
              <th scope="row">{status[0]!.toUpperCase() + status.slice(1)}</th>
              <td class="num" data-field={status}>
                {number(counts[status])}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {live && <script src={PROGRESS_SCRIPT} defer />}
    </section>
  );
}

function Previews(props: { base: string; previewEmail?: string }) {
  const copies = [
    { title: "Free reader's copy", query: "variant=free" },
    { title: "Patron's copy", query: "variant=patron" },
    ...(props.previewEmail ? [{ title: `${props.previewEmail}'s copy`, query: `email=${encodeURIComponent(props.previewEmail)}` }] : []),
  ];
  return (
    <section aria-labelledby="previews">
      <h2 id="previews">Previews</h2>
      <p class="note">
        Shown as readers get them, at a phone's and a desktop's width. Their links lead to a page saying they are a preview's,
        and act on nobody.
      </p>
      <form method="get" action={props.base}>
        <label for="preview-email">Preview one subscriber's copy (their address)</label>
        <input type="email" id="preview-email" name="email" maxlength={254} value={props.previewEmail ?? ""} />
        <p>
          <button type="submit" class="secondary">
            Preview their copy
          </button>
        </p>
      </form>
      {copies.map((copy) => (
        <>
          <h3>{copy.title}</h3>
          {/* Focusable, so that a keyboard can scroll it where the frames are wider than the screen. */}
          <div class="scroll" tabindex={0} role="region" aria-label={`${copy.title}, side by side`}>
            {PREVIEW_WIDTHS.map((width) => (
              // Sandboxed without exceptions: no script runs in it and it has an origin of its own, not ours.
              <iframe
                src={`${props.base}/preview?${copy.query}`}
                title={`${copy.title}, ${width.name.toLowerCase()} width (${width.width} px)`}
                width={String(width.width)}
                height="640"
                sandbox=""
                loading="lazy"
                referrerpolicy="no-referrer"
              />
            ))}
          </div>
        </>
      ))}
    </section>
  );
}

function TestForm(props: { base: string; previewEmail?: string }) {
  return (
    <section aria-labelledby="test">
      <h2 id="test">Send a test</h2>
      <form method="post" action={`${props.base}/test`}>
        <label for="to">To (up to 10 addresses, separated by commas or new lines)</label>
        <textarea id="to" name="to" rows={3} maxlength={3000} required />
        <fieldset>
          <legend>Which copy</legend>
          <div class="check">
            <input type="radio" id="copy-free" name="copy" value="free" checked />
            <label for="copy-free">Free reader's</label>
          </div>
          <div class="check">
            <input type="radio" id="copy-patron" name="copy" value="patron" />
            <label for="copy-patron">Patron's</label>
          </div>
          {props.previewEmail && (
            <div class="check">
              <input type="radio" id="copy-subscriber" name="copy" value="subscriber" />
              <label for="copy-subscriber">{props.previewEmail}'s</label>
              <input type="hidden" name="email" value={props.previewEmail} />
            </div>
          )}
        </fieldset>
        <p>
          <button type="submit" class="secondary">
            Send test copies
          </button>
        </p>
      </form>
    </section>
  );
}

function Actions(props: { digest: Digest; base: string }) {
  const { status } = props.digest;
  if (status === "sent" || status === "cancelled") return null;
  return (
    <section aria-labelledby="actions">
      <h2 id="actions">Send</h2>
      {(status === "draft" || status === "paused") && (
        <p>
          <a href={`${props.base}/send`}>{status === "paused" ? "Resume sending…" : "Send to subscribers…"}</a>
        </p>
      )}
      <form method="post" action={`${props.base}/cancel`}>
        <button type="submit" class="secondary">
          Cancel this digest
        </button>
      </form>
    </section>
  );
}

function Deliveries(props: { base: string; view: DeliveriesView; digest: Digest }) {
  if (props.digest.status === "draft") return null;
  const { status, deliveries, next } = props.view;
  const link = (query: Record<string, string>) => `${props.base}?${new URLSearchParams(query)}#deliveries`;
  return (
    <section aria-labelledby="deliveries">
      <h2 id="deliveries">Deliveries</h2>
      <p>
        Show:{" "}
        <a href={link({})} aria-current={status === undefined ? "page" : undefined}>
          all
        </a>
        {deliveryStatuses.map((one) => (
          <>
            {" · "}
            <a href={link({ status: one })} aria-current={status === one ? "page" : undefined}>
              {one} ({number(props.digest.counts[one])})
            </a>
          </>
        ))}
      </p>
      {deliveries.length === 0 ? (
        <p>No deliveries {status ? `are ${status}` : "yet"}.</p>
      ) : (
        // A list, not a table: an address and a status side by side leave a phone's columns too narrow to read.
        <>
          <h3>{status ? `Deliveries ${status}` : "All deliveries"}</h3>
          <ul>
            {deliveries.map((delivery) => (
              <li>
                {delivery.email}: <strong>{delivery.status}</strong>
                {(delivery.reason ?? delivery.error) && ` (${delivery.reason ?? delivery.error})`}
                <span class="note">, {utc(delivery.updatedAt)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {next && (
        <p>
          <a href={link({ ...(status && { status }), cursor: next })}>Next deliveries</a>
        </p>
      )}
    </section>
  );
}
