/**
 * The dashboard's panel of cancellations over a period (on the retention page): how many were asked for and taken
 * back, then two tables, by what patrons answered in the Billing Portal's survey and by Stripe's reason, each count
 * with its share. Works without JavaScript; every figure is in a table.
 */
import type { MessageKey } from "../../../core/i18n";
import { FEEDBACK, REASONS, type CancellationSummary } from "../../../core/patrons/cancellations";
import { t, tr } from "../language";
import { day } from "./editor-subscribers";

const FEEDBACK_WORDS = {
  too_expensive: "cancellations.feedback.too_expensive",
  unused: "cancellations.feedback.unused",
  missing_features: "cancellations.feedback.missing_features",
  switched_service: "cancellations.feedback.switched_service",
  low_quality: "cancellations.feedback.low_quality",
  customer_service: "cancellations.feedback.customer_service",
  too_complex: "cancellations.feedback.too_complex",
  other: "cancellations.feedback.other",
  none: "cancellations.feedback.none",
} as const satisfies Record<(typeof FEEDBACK)[number], MessageKey>;

const REASON_WORDS = {
  cancellation_requested: "cancellations.reason.cancellation_requested",
  payment_failed: "cancellations.reason.payment_failed",
  payment_disputed: "cancellations.reason.payment_disputed",
  canceled_by_retention_policy: "cancellations.reason.canceled_by_retention_policy",
  none: "cancellations.reason.none",
} as const satisfies Record<(typeof REASONS)[number] | "none", MessageKey>;

/** A survey answer in the page's language; one Stripe added since is shown as Stripe writes it. */
export const feedbackWords = (feedback: string | undefined): string =>
  t(FEEDBACK_WORDS[(feedback ?? "none") as keyof typeof FEEDBACK_WORDS] ?? "cancellations.feedback.other") +
  (feedback && !(feedback in FEEDBACK_WORDS) ? ` (${feedback})` : "");

/** Stripe's reason in the page's language; an unknown one as Stripe writes it. */
export const reasonWords = (reason: string | undefined): string =>
  reason && !(reason in REASON_WORDS) ? reason : t(REASON_WORDS[(reason ?? "none") as keyof typeof REASON_WORDS]);

/** Known values first in their order, then any other with a count, most first. */
function rows(counts: Record<string, number>, known: readonly string[]): Array<[string, number]> {
  const listed = known.filter((name) => counts[name]).map((name) => [name, counts[name]!] as [string, number]);
  const others = Object.entries(counts)
    .filter(([name, count]) => count && !known.includes(name))
    .sort(([, a], [, b]) => b - a);
  return [...listed, ...others];
}

function CountTable(props: { caption: string; column: string; rows: Array<[string, string, number]>; total: number }) {
  return (
    <div class="scroll">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.column}</th>
            <th scope="col" class="num">
              {t("cancellations.panel.column.count")}
            </th>
            <th scope="col" class="num">
              {t("cancellations.panel.column.share")}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map(([name, words, count]) => (
            <tr data-value={name}>
              <th scope="row">{words}</th>
              <td class="num">{tr().number(count)}</td>
              <td class="num">{t("cancellations.panel.share", { share: props.total ? count / props.total : 0 })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The period's cancellations (see `cancellationSummary`). */
export function CancellationsPanel(props: { summary: CancellationSummary }) {
  const { summary } = props;
  const period = { from: day(summary.from), to: day(summary.to) };
  return (
    <section aria-labelledby="cancellations-heading">
      <h2 id="cancellations-heading">{t("cancellations.panel.heading")}</h2>
      <p>
        {t("cancellations.panel.summary", {
          ...period,
          total: t("cancellations.panel.total", { total: summary.total }),
          withdrawn: t("cancellations.panel.withdrawn", { withdrawn: summary.withdrawn }),
        })}
      </p>
      {summary.total > 0 && (
        <>
          <CountTable
            caption={t("cancellations.panel.feedbackCaption", period)}
            column={t("cancellations.panel.column.feedback")}
            rows={rows(summary.byFeedback, FEEDBACK).map(([name, count]) => [name, feedbackWords(name), count])}
            total={summary.total}
          />
          <CountTable
            caption={t("cancellations.panel.reasonCaption", period)}
            column={t("cancellations.panel.column.reason")}
            rows={rows(summary.byReason, [...REASONS, "none"]).map(([name, count]) => [name, reasonWords(name), count])}
            total={summary.total}
          />
        </>
      )}
      <p class="note">{t("cancellations.panel.note")}</p>
    </section>
  );
}
