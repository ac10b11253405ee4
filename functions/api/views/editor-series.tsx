/**
 * A subscriber's welcome series on their record (`/editor/subscribers/{email}`): each step, when it was due, and
 * whether it was sent or why not (what their data export lists, core/series).
 */
import type { MessageKey } from "../../../core/i18n";
import { t } from "../language";
import { time } from "./editor-subscribers";

type Step = Record<string, unknown>;

const text = (value: unknown) => (typeof value === "string" ? value : "");

function outcome(step: Step): string {
  switch (step.status) {
    case "sent":
      return t("series.record.outcome.sent", { time: time(text(step.sentAt)) });
    case "skipped":
      return t("series.record.outcome.skipped", { reason: reasonWords(text(step.reason)) });
    case "failed":
      return t("series.record.outcome.failed", { reason: text(step.reason) });
    default:
      return t("series.record.outcome.queued");
  }
}

export function SeriesSection(props: { steps: Step[] }) {
  return (
    <section aria-labelledby="series-heading">
      <h3 id="series-heading">{t("series.record.heading")}</h3>
      {props.steps.length === 0 ? (
        <p>{t("series.record.none")}</p>
      ) : (
        <div class="scroll">
          <table>
            <caption>{t("series.record.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("series.record.column.step")}</th>
                <th scope="col">{t("series.record.column.due")}</th>
                <th scope="col">{t("series.record.column.outcome")}</th>
              </tr>
            </thead>
            <tbody>
              {props.steps.map((step) => (
                <tr>
                  <th scope="row">{stepName(text(step.step))}</th>
                  <td>{time(text(step.dueAt))}</td>
                  <td>{outcome(step)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const STEP_NAMES: Record<string, MessageKey> = {
  welcome: "series.record.step.welcome",
  "best-of": "series.record.step.best-of",
  "patron-invitation": "series.record.step.patron-invitation",
};

/** A step's name in the editor's language; its id, for a step no longer configured. */
const stepName = (id: string) => (STEP_NAMES[id] ? t(STEP_NAMES[id]) : id);

const REASONS: Record<string, MessageKey> = {
  unsubscribed: "series.record.reason.unsubscribed",
  bounced: "series.record.reason.bounced",
  complained: "series.record.reason.complained",
  patron: "series.record.reason.patron",
  "nothing-to-read": "series.record.reason.nothing-to-read",
  "not-configured": "series.record.reason.not-configured",
};

/** Why a step was skipped, in the editor's language (as recorded, for a reason this version does not know). */
const reasonWords = (reason: string) => (REASONS[reason] ? t(REASONS[reason]) : reason);
