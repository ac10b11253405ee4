/**
 * The dashboard's digests (`/editor/digests`): the list with a form to create one, the confirm step before sending,
 * and what a preview frame says when there is no copy. One digest's page is `editor-digest.tsx`.
 */
import type * as Editors from "../../../core/editors";
import { digestStatuses, type Digest, type DigestStatus } from "../../../core/digests/types";
import type { MessageKey } from "../../../core/i18n";
import { currentLanguage, t, tr } from "../language";
import { EditorLayout } from "./editor";

const number = (n: number) => tr().number(n);

/** Each digest status's name in the catalogue. */
const STATUS_KEYS: Record<DigestStatus, MessageKey> = {
  draft: "editor-digests.status.draft",
  sending: "editor-digests.status.sending",
  paused: "editor-digests.status.paused",
  sent: "editor-digests.status.sent",
  cancelled: "editor-digests.status.cancelled",
};

/** A digest status as the page's language names it ("Draft"; "Чернетка"). */
export const statusName = (status: DigestStatus) => t(STATUS_KEYS[status]);

/** "weekly 2026-W49": a digest's frequency and period, as a line under its subject. */
export const edition = (digest: Pick<Digest, "frequency" | "period">) =>
  t("editor-digests.edition", { frequency: digest.frequency, period: digest.period });

/** `/editor/digests`: the digests, newest first, and the form that creates one. */
export function DigestsPage(props: {
  account: Editors.EditorAccount;
  digests: Digest[];
  status?: DigestStatus;
  next: string | null;
  periods: { daily: string; weekly: string };
  /** The languages other than the default, each with a subject and intro of its own on the form. */
  otherLanguages: readonly string[];
}) {
  const more = props.next && `/editor/digests?${new URLSearchParams({ ...(props.status && { status: props.status }), cursor: props.next })}`;
  return (
    <EditorLayout title={t("editor-digests.list.title")} account={props.account} path="/editor/digests">
      <h1>{t("editor-digests.list.title")}</h1>
      <h2>{t("editor-digests.list.create")}</h2>
      <p class="note">{t("editor-digests.list.createNote")}</p>
      <form method="post" action="/editor/digests">
        <label for="frequency">{t("editor-digests.list.frequency")}</label>
        <select id="frequency" name="frequency">
          <option value="weekly">{t("editor-digests.frequency.weekly")}</option>
          <option value="daily">{t("editor-digests.frequency.daily")}</option>
        </select>
        <label for="period">{t("editor-digests.list.period")}</label>
        <input type="text" id="period" name="period" maxlength={10} aria-describedby="period-hint" />
        <p class="note" id="period-hint">
          {t("editor-digests.list.periodHint", { weekly: props.periods.weekly, daily: props.periods.daily })}
        </p>
        <label for="subject">{t("editor-digests.list.subject")}</label>
        <input type="text" id="subject" name="subject" maxlength={200} />
        <label for="intro">{t("editor-digests.list.intro")}</label>
        <textarea id="intro" name="intro" rows={4} maxlength={5000} />
        {props.otherLanguages.map((code) => (
          <>
            <label for={`subject-${code}`}>{t("editor-digests.list.subjectIn", { language: tr().languageName(code) })}</label>
            <input type="text" id={`subject-${code}`} name={`subject-${code}`} lang={code} maxlength={200} aria-describedby="translations-hint" />
            <label for={`intro-${code}`}>{t("editor-digests.list.introIn", { language: tr().languageName(code) })}</label>
            <textarea id={`intro-${code}`} name={`intro-${code}`} lang={code} rows={4} maxlength={5000} />
          </>
        ))}
        {props.otherLanguages.length > 0 && (
          <p class="note" id="translations-hint">
            {t("editor-digests.list.translationsHint")}
          </p>
        )}
        <p>
          <button type="submit">{t("editor-digests.list.submit")}</button>
        </p>
      </form>
      <h2>{t("editor-digests.list.all")}</h2>
      <form method="get" action="/editor/digests">
        <label for="status">{t("editor-digests.list.status")}</label>
        <select id="status" name="status">
          <option value="">{t("editor-digests.list.any")}</option>
          {digestStatuses.map((status) => (
            <option value={status} selected={status === props.status}>
              {statusName(status)}
            </option>
          ))}
        </select>
        <p>
          <button type="submit" class="secondary">
            {t("editor-digests.list.show")}
          </button>
        </p>
      </form>
      {props.digests.length === 0 ? (
        <p>{props.status ? t("editor-digests.list.noneWithStatus", { status: statusName(props.status) }) : t("editor-digests.list.none")}</p>
      ) : (
        <DigestTable caption={t("editor-digests.list.caption")} digests={props.digests} />
      )}
      {more && (
        <p>
          <a href={more}>{t("editor-digests.list.older")}</a>
        </p>
      )}
    </EditorLayout>
  );
}

/** `/editor/digests/{id}/send`: the confirm step before a digest goes to every subscriber. */
export function ConfirmSendPage(props: { account: Editors.EditorAccount; digest: Digest; articles: number }) {
  const { digest } = props;
  const resume = digest.status === "paused";
  const values = { subject: digest.subject, edition: edition(digest), count: props.articles, frequency: digest.frequency };
  return (
    <EditorLayout title={t("editor-digests.confirm.title", { subject: digest.subject })} account={props.account} path="/editor/digests">
      <h1>{resume ? t("editor-digests.confirm.headingResume") : t("editor-digests.confirm.heading")}</h1>
      <p>
        {resume
          ? t("editor-digests.confirm.resume", { ...values, reason: digest.pauseReason ?? t("editor-digests.noReason") })
          : t("editor-digests.confirm.send", values)}
      </p>
      <form method="post" action={`/editor/digests/${digest.id}/send`}>
        <input type="hidden" name="confirm" value="send" />
        <p>
          <button type="submit">{resume ? t("editor-digests.confirm.yesResume") : t("editor-digests.confirm.yes")}</button>
        </p>
      </form>
      <p>
        <a href={`/editor/digests/${digest.id}`}>{t("editor-digests.confirm.back")}</a>
      </p>
    </EditorLayout>
  );
}

/** What a preview frame shows when there is no copy to show (nothing to read for this reader): framable, unstyled. */
export function PreviewMissing(props: { message: string }) {
  return (
    <html lang={currentLanguage()}>
      <head>
        <meta charset="utf-8" />
        <title>{t("editor-digests.previewMissing.title")}</title>
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
            <th scope="col">{t("editor-digests.table.digest")}</th>
            <th scope="col">{t("editor-digests.table.status")}</th>
            <th scope="col" class="num">
              {t("editor-digests.table.articles")}
            </th>
            <th scope="col" class="num">
              {t("editor-digests.table.recipients")}
            </th>
            <th scope="col" class="num">
              {t("editor-digests.table.sent")}
            </th>
            <th scope="col" class="num">
              {t("editor-digests.table.waiting")}
            </th>
            <th scope="col" class="num">
              {t("editor-digests.table.failed")}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.digests.map((digest) => (
            <tr>
              <td>
                <a href={`/editor/digests/${digest.id}`}>{digest.subject}</a>
                <br />
                <span class="note">{edition(digest)}</span>
              </td>
              <td>
                {digest.status === "paused" && digest.pauseReason
                  ? t("editor-digests.table.paused", { status: statusName(digest.status), reason: digest.pauseReason })
                  : statusName(digest.status)}
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
