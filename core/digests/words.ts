/**
 * A digest's period and automatic subject in words, in a reader's language, through `Intl` and the `digest`
 * catalogue: "7–13 December 2026", "The Harbour Gazette: the week of 7–13 December 2026";
 * "7–13 грудня 2026 р.". Shared by the rendering (the period line, each language's subject) and by creating a
 * digest (the subject it is listed under when the editor gives none).
 */
import * as I18n from "../i18n";
import type { Frequency } from "../subscribers/types";
import { weekDays } from "./period";

const formats = new Map<string, Intl.DateTimeFormat>();

/** A day, or a range of days, in words: one `Intl.DateTimeFormat` per language, made once. */
function dayFormat(language: string): Intl.DateTimeFormat {
  let format = formats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(I18n.intlLocale(language), { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    formats.set(language, format);
  }
  return format;
}

/** A day as a card or a daily digest shows it: "29 November 2026", "29 листопада 2026 р.". */
export const day = (value: Date | string, language: string) => dayFormat(language).format(new Date(value));

/** The days a digest covers in words: a daily one's day, a weekly one's Monday to Sunday as a range. */
export function periodInWords(frequency: Frequency, period: string, language: string): string {
  const week = frequency === "weekly" ? weekDays(period) : undefined;
  if (week) return dayFormat(language).formatRange(week.monday, week.sunday);
  const date = new Date(`${period}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? period : day(date, language);
}

/** The subject a digest has in `language` when the editor gave none for it: the outlet and the period in words. */
export function automaticSubject(digest: { frequency: Frequency; period: string }, outlet: string, language: string): string {
  const { t } = I18n.translator(language);
  const period = periodInWords(digest.frequency, digest.period, language);
  return digest.frequency === "daily" ? t("digest.subject.daily", { outlet, period }) : t("digest.subject.weekly", { outlet, period });
}
