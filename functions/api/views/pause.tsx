/**
 * The account page's pause: "Pause instead" (1, 2 or 3 months) for a patron paying through Stripe, and once paused
 * "Paused until …, resumes by itself" with "Resume now". Loaded with the account page only (not at cold start).
 */
import { canPause, PAUSE_MONTHS } from "../../../core/patrons/pause";
import type { Patron } from "../../../core/patrons/types";
import { t, tr } from "../language";

export const PAUSE_FORM_PATH = "/account/pause";
export const RESUME_FORM_PATH = "/account/resume";

const day = (iso: string) => tr().date(iso, { dateStyle: "long", timeZone: "UTC" });

/** Nothing for a patron who can't pause (comped, in grace, lapsed, cancelling) or for a reader who is none. */
export function PauseSection(props: { patron?: Patron }) {
  const { patron } = props;
  if (patron?.status === "paused") {
    return (
      <section aria-labelledby="pause">
        <h2 id="pause">{t("pause.offer.title")}</h2>
        <p role="status">{patron.pausedUntil ? t("pause.paused.body", { date: day(patron.pausedUntil) }) : t("pause.paused.open")}</p>
        <p>{t("pause.paused.note")}</p>
        <form method="post" action={RESUME_FORM_PATH}>
          <button type="submit">{t("pause.paused.resume")}</button>
          <p class="note">{t("pause.paused.resumeNote")}</p>
        </form>
      </section>
    );
  }
  if (!canPause(patron)) return null;
  return (
    <section aria-labelledby="pause">
      <h2 id="pause">{t("pause.offer.title")}</h2>
      <p>{t("pause.offer.body")}</p>
      <form method="post" action={PAUSE_FORM_PATH}>
        <fieldset>
          <legend>{t("pause.offer.months")}</legend>
          {PAUSE_MONTHS.map((months) => (
            <div class="check">
              <input type="radio" id={`pause-${months}`} name="months" value={String(months)} checked={months === 1} required />{" "}
              <label for={`pause-${months}`}>{t("pause.offer.option", { months })}</label>
            </div>
          ))}
        </fieldset>
        <p>
          <button type="submit">{t("pause.offer.submit")}</button>
        </p>
        <p class="note">{t("pause.offer.note")}</p>
      </form>
    </section>
  );
}
