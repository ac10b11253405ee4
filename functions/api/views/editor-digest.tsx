/**
 * One digest's page in the dashboard (`/editor/digests/{id}`): its articles, previews of its copies in sandboxed
 * frames at phone and desktop widths, test copies, the way to send (a confirm step) and cancel, its progress while
 * it sends (refreshing itself, or its script polling), and its deliveries by status. Every action is a form.
 */
import type { Article } from "../../../core/articles";
import type { Delivery, Pace } from "../../../core/delivery";
import type * as Editors from "../../../core/editors";
import { deliveryStatuses, type DeliveryStatus, type Digest } from "../../../core/digests/types";
import type { MessageKey } from "../../../core/i18n";
import { t, tr } from "../language";
import { EditorLayout } from "./editor";
import { statusName } from "./editor-digests";
import { paceText, PROGRESS_SCRIPT, REFRESH_SECONDS, type Notice } from "./editor-digests-script";

/** The widths a copy is previewed at: a phone's and a desktop mail client's reading pane. */
export const PREVIEW_WIDTHS = [
  { name: "phone", width: 375 },
  { name: "desktop", width: 700 },
] as const;

/** Each delivery status's name in the catalogue. */
const DELIVERY_KEYS: Record<DeliveryStatus, MessageKey> = {
  queued: "editor-digests.delivery.queued",
  sending: "editor-digests.delivery.sending",
  sent: "editor-digests.delivery.sent",
  skipped: "editor-digests.delivery.skipped",
  suppressed: "editor-digests.delivery.suppressed",
  failed: "editor-digests.delivery.failed",
  bounced: "editor-digests.delivery.bounced",
  complained: "editor-digests.delivery.complained",
};
const deliveryName = (status: DeliveryStatus) => t(DELIVERY_KEYS[status]);

const number = (n: number) => tr().number(n);
/** A moment as the digest's records keep it, to the minute, in UTC ("2026-12-05 09:30 UTC"). */
const utc = (iso: string) => t("editor-digests.utc", { time: iso.replace("T", " ").slice(0, 16) });

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
  /** The language the free and patron copies are previewed in, and the languages they can be (`LANGUAGES`). */
  previewLanguage: string;
  languages: readonly string[];
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
        <a href="/editor/digests">{t("editor-digests.digest.back")}</a>
      </p>
      <h1>{digest.subject}</h1>
      {props.notice && <NoticeLine {...props.notice} />}
      <p>
        {t("editor-digests.digest.summary", {
          frequency: digest.frequency,
          period: digest.period,
          status: statusName(digest.status).toLocaleLowerCase(tr().language),
          from: utc(digest.coversFrom),
          to: utc(digest.coversTo),
        })}
      </p>
      {digest.intro && <p class="note">{t("editor-digests.digest.intro", { intro: digest.intro })}</p>}
      {Object.entries(digest.translations ?? {}).map(([code, words]) => (
        <>
          {words.subject && (
            <p class="note" lang={code}>
              {t("editor-digests.digest.subjectIn", { language: tr().languageName(code), subject: words.subject })}
            </p>
          )}
          {words.intro && (
            <p class="note" lang={code}>
              {t("editor-digests.digest.introIn", { language: tr().languageName(code), intro: words.intro })}
            </p>
          )}
        </>
      ))}

      <Progress digest={digest} pace={props.pace} base={base} />

      <h2>{t("editor-digests.digest.articles")}</h2>
      {props.articles.length === 0 ? (
        <p>{t("editor-digests.digest.noArticles")}</p>
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
        <Previews base={base} previewEmail={props.previewEmail} language={props.previewLanguage} languages={props.languages} />
      ) : (
        <details>
          <summary>{t("editor-digests.previews.heading")}</summary>
          <Previews base={base} previewEmail={props.previewEmail} language={props.previewLanguage} languages={props.languages} />
        </details>
      )}

      {open && <TestForm base={base} previewEmail={props.previewEmail} language={props.previewLanguage} />}
      <Actions digest={digest} base={base} />
      <Deliveries base={base} view={props.deliveries} digest={digest} />
    </EditorLayout>
  );
}

function NoticeLine(props: { kind: Notice; count?: number }) {
  const text = {
    created: () => t("editor-digests.notice.created"),
    existed: () => t("editor-digests.notice.existed"),
    tested: () => t("editor-digests.notice.tested", { count: props.count ?? 0 }),
    sending: () => t("editor-digests.notice.sending"),
    cancelled: () => t("editor-digests.notice.cancelled"),
  }[props.kind]();
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
      <h2 id="progress">{t("editor-digests.progress.heading")}</h2>
      {digest.status === "paused" && (
        <p class="error">
          {tr().rich("editor-digests.progress.paused", {
            reason: () => <span data-field="pauseReason">{digest.pauseReason ?? t("editor-digests.noReason")}</span>,
          })}
        </p>
      )}
      {digest.status === "cancelled" && <p>{t("editor-digests.progress.cancelled")}</p>}
      {digest.status === "sent" && digest.sentAt && <p>{t("editor-digests.progress.sent", { when: utc(digest.sentAt) })}</p>}
      {live && pace && <PaceLine pace={pace} base={props.base} />}
      <table>
        <caption>{t("editor-digests.progress.caption")}</caption>
        <tbody>
          <tr>
            <th scope="row">{t("editor-digests.progress.recipients")}</th>
            <td class="num" data-field="recipients">
              {number(counts.recipients)}
            </td>
          </tr>
          {deliveryStatuses.map((status) => (
            <tr>
              <th scope="row">{deliveryName(status)}</th>
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

/** The pace and time left (which the script rewrites in place), and how often the page updates. */
function PaceLine(props: { pace: Pace; base: string }) {
  const text = paceText(props.pace, tr());
  return (
    <p aria-live="polite">
      <span data-field="perSecond">{text.perSecond}</span>; <span data-field="secondsLeft">{text.secondsLeft}</span>.{" "}
      {t("editor-digests.progress.updates", { seconds: REFRESH_SECONDS })} <a href={props.base}>{t("editor-digests.progress.refresh")}</a>
    </p>
  );
}

/**
 * The copies in frames: the free and patron ones in one language at a time (chosen by a link per language, as
 * readers of each get them), and a subscriber's in their own language.
 */
function Previews(props: { base: string; previewEmail?: string; language: string; languages: readonly string[] }) {
  const many = props.languages.length > 1;
  const inLanguage = (copy: string) => (many ? t("editor-digests.previews.inLanguage", { copy, language: tr().languageName(props.language) }) : copy);
  const language = many ? `&language=${props.language}` : "";
  const copies = [
    { title: inLanguage(t("editor-digests.previews.free")), query: `variant=free${language}` },
    { title: inLanguage(t("editor-digests.previews.patron")), query: `variant=patron${language}` },
    ...(props.previewEmail
      ? [{ title: t("editor-digests.previews.subscriber", { email: props.previewEmail }), query: `email=${encodeURIComponent(props.previewEmail)}` }]
      : []),
  ];
  const languageLink = (code: string) =>
    `${props.base}?${new URLSearchParams({ language: code, ...(props.previewEmail && { email: props.previewEmail }) })}#previews`;
  return (
    <section aria-labelledby="previews">
      <h2 id="previews">{t("editor-digests.previews.heading")}</h2>
      <p class="note">{t("editor-digests.previews.note")}</p>
      {many && (
        <p>
          {t("editor-digests.previews.language")}:{" "}
          {props.languages.map((code, index) => (
            <>
              {index > 0 && " · "}
              <a href={languageLink(code)} hreflang={code} aria-current={code === props.language ? "true" : undefined}>
                {tr().languageName(code)}
              </a>
            </>
          ))}
        </p>
      )}
      <form method="get" action={props.base}>
        {many && <input type="hidden" name="language" value={props.language} />}
        <label for="preview-email">{t("editor-digests.previews.email")}</label>
        <input type="email" id="preview-email" name="email" maxlength={254} value={props.previewEmail ?? ""} />
        <p>
          <button type="submit" class="secondary">
            {t("editor-digests.previews.emailSubmit")}
          </button>
        </p>
      </form>
      {copies.map((copy) => (
        <>
          <h3>{copy.title}</h3>
          {/* Focusable, so that a keyboard can scroll it where the frames are wider than the screen. */}
          <div class="scroll" tabindex={0} role="region" aria-label={t("editor-digests.previews.region", { title: copy.title })}>
            {PREVIEW_WIDTHS.map((width) => (
              // Sandboxed without exceptions: no script runs in it and it has an origin of its own, not ours.
              <iframe
                src={`${props.base}/preview?${copy.query}`}
                title={t("editor-digests.previews.frame", { title: copy.title, width: width.name, pixels: width.width })}
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

/** Test copies of the free or patron copy go in the language previewed; a subscriber's in theirs. */
function TestForm(props: { base: string; previewEmail?: string; language: string }) {
  return (
    <section aria-labelledby="test">
      <h2 id="test">{t("editor-digests.test.heading")}</h2>
      <form method="post" action={`${props.base}/test`}>
        <label for="to">{t("editor-digests.test.to")}</label>
        <textarea id="to" name="to" rows={3} maxlength={3000} required />
        <input type="hidden" name="language" value={props.language} />
        <fieldset>
          <legend>{t("editor-digests.test.which")}</legend>
          <div class="check">
            <input type="radio" id="copy-free" name="copy" value="free" checked />
            <label for="copy-free">{t("editor-digests.test.free")}</label>
          </div>
          <div class="check">
            <input type="radio" id="copy-patron" name="copy" value="patron" />
            <label for="copy-patron">{t("editor-digests.test.patron")}</label>
          </div>
          {props.previewEmail && (
            <div class="check">
              <input type="radio" id="copy-subscriber" name="copy" value="subscriber" />
              <label for="copy-subscriber">{t("editor-digests.test.subscriber", { email: props.previewEmail })}</label>
              <input type="hidden" name="email" value={props.previewEmail} />
            </div>
          )}
        </fieldset>
        <p>
          <button type="submit" class="secondary">
            {t("editor-digests.test.submit")}
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
      <h2 id="actions">{t("editor-digests.actions.heading")}</h2>
      {(status === "draft" || status === "paused") && (
        <p>
          <a href={`${props.base}/send`}>{status === "paused" ? t("editor-digests.actions.resume") : t("editor-digests.actions.send")}</a>
        </p>
      )}
      <form method="post" action={`${props.base}/cancel`}>
        <button type="submit" class="secondary">
          {t("editor-digests.actions.cancel")}
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
      <h2 id="deliveries">{t("editor-digests.deliveries.heading")}</h2>
      <p>
        {t("editor-digests.deliveries.show")}{" "}
        <a href={link({})} aria-current={status === undefined ? "page" : undefined}>
          {t("editor-digests.deliveries.all")}
        </a>
        {deliveryStatuses.map((one) => (
          <>
            {" · "}
            <a href={link({ status: one })} aria-current={status === one ? "page" : undefined}>
              {t("editor-digests.deliveries.filter", { status: deliveryName(one).toLocaleLowerCase(tr().language), count: number(props.digest.counts[one]) })}
            </a>
          </>
        ))}
      </p>
      {deliveries.length === 0 ? (
        <p>{status ? t("editor-digests.deliveries.noneWithStatus", { status: deliveryName(status) }) : t("editor-digests.deliveries.none")}</p>
      ) : (
        // A list, not a table: an address and a status side by side leave a phone's columns too narrow to read.
        <>
          <h3>{status ? t("editor-digests.deliveries.statusHeading", { status: deliveryName(status).toLocaleLowerCase(tr().language) }) : t("editor-digests.deliveries.allHeading")}</h3>
          <ul>
            {deliveries.map((delivery) => (
              <li>
                {delivery.email}: <strong>{deliveryName(delivery.status).toLocaleLowerCase(tr().language)}</strong>
                {(delivery.reason ?? delivery.error) && ` (${delivery.reason ?? delivery.error})`}
                <span class="note">, {utc(delivery.updatedAt)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {next && (
        <p>
          <a href={link({ ...(status && { status }), cursor: next })}>{t("editor-digests.deliveries.next")}</a>
        </p>
      )}
    </section>
  );
}
