/**
 * An example of an amount to type, in the page's language ("12 or 12.50"; "12 або 12,50"): the form takes either
 * separator (`Money.parse`), so the example shows the one its reader writes. Core's `Money.example` is English.
 */
import * as Money from "../../../core/money";
import { t, tr } from "../language";

export function amountExample(currency: string): string {
  const places = Money.shownDecimals(currency);
  if (places === 0) return tr().number(1250, { useGrouping: false });
  const decimal = tr().number(12.5, { minimumFractionDigits: places, maximumFractionDigits: places, useGrouping: false });
  return t("editor-topics.goal.example", { whole: tr().number(12), decimal });
}
