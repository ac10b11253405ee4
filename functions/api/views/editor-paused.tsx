/**
 * `/editor/subscribers?patrons=paused`: the patrons who paused, apart from the rest (they pay nothing and their
 * votes don't count until their pause ends by itself), each linked to their record.
 */
import type { PausedPatron } from "../../../core/patrons/paused";
import { t } from "../language";
import { EDITOR_SUBSCRIBERS_PAGE as SUBSCRIBERS_PAGE } from "../dashboard-paths";
import { EditorLayout } from "./editor";
// editor-subscribers.tsx imports this file (the search page's link): only functions from it, used when rendering.
import { day, recordPath, type Account } from "./editor-subscribers";

export const PAUSED_LIST = `${SUBSCRIBERS_PAGE}?patrons=paused`;

/** The search page's link to the list. */
export const PausedLink = () => (
  <p>
    <a href={PAUSED_LIST}>{t("pause.editor.link")}</a>
  </p>
);

export function PausedPage(props: Account & { patrons: PausedPatron[]; cursor: string | null }) {
  return (
    <EditorLayout title={t("pause.editor.title")} account={props.account} path={SUBSCRIBERS_PAGE}>
      <h1>{t("pause.editor.title")}</h1>
      <p>{t("pause.editor.intro")}</p>
      {props.patrons.length === 0 ? (
        <p>{t("pause.editor.none")}</p>
      ) : (
        <div class="scroll">
          <table>
            <caption>{t("pause.editor.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("pause.editor.email")}</th>
                <th scope="col">{t("pause.editor.tier")}</th>
                <th scope="col">{t("pause.editor.until")}</th>
              </tr>
            </thead>
            <tbody>
              {props.patrons.map((patron) => (
                <tr>
                  <td>
                    <a href={recordPath(patron.email)}>{patron.email}</a>
                  </td>
                  <td>{patron.tierName}</td>
                  <td>{day(patron.until)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.cursor && (
        <p>
          <a href={`${PAUSED_LIST}&cursor=${encodeURIComponent(props.cursor)}`}>{t("pause.editor.more")}</a>
        </p>
      )}
    </EditorLayout>
  );
}
