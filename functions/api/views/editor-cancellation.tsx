/**
 * A patron's last cancellation on their record (`/editor/subscribers/{email}`): when it was asked for, Stripe's
 * reason, their answer to the survey and their comment (theirs: escaped like all text), and when it was taken back.
 */
import type { Cancellation } from "../../../core/patrons/types";
import { t } from "../language";
import { time } from "./editor-subscribers";
import { feedbackWords, reasonWords } from "./retention-cancellations";

export function CancellationSection(props: { cancellation?: Cancellation }) {
  const { cancellation } = props;
  if (!cancellation) return null;
  return (
    <section aria-labelledby="cancellation-heading">
      <h3 id="cancellation-heading">{t("cancellations.record.heading")}</h3>
      <div class="scroll">
        <table>
          <caption>{t("cancellations.record.caption")}</caption>
          <tbody>
            <tr>
              <th scope="row">{t("cancellations.record.requested")}</th>
              <td>{time(cancellation.requestedAt)}</td>
            </tr>
            <tr>
              <th scope="row">{t("cancellations.record.reason")}</th>
              <td>{reasonWords(cancellation.reason)}</td>
            </tr>
            <tr>
              <th scope="row">{t("cancellations.record.feedback")}</th>
              <td>{feedbackWords(cancellation.feedback)}</td>
            </tr>
            {cancellation.comment && (
              <tr>
                <th scope="row">{t("cancellations.record.comment")}</th>
                <td class="comment">{cancellation.comment}</td>
              </tr>
            )}
            {cancellation.withdrawnAt && (
              <tr>
                <th scope="row">{t("cancellations.record.withdrawn")}</th>
                <td>{time(cancellation.withdrawnAt)}</td>
              </tr>
            )}
            <tr>
              <th scope="row">{t("cancellations.record.subscription")}</th>
              <td>
                <code>{cancellation.subscriptionId}</code>
              </td>
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  );
}
