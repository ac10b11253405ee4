/**
 * The subscriber record's win-back row, for a lapsed patron (`editor-subscriber-record.tsx`): sent on a day, none
 * owed for this lapse (the reader unsubscribed, say), or the day it is due (a paid membership's lapse not yet settled).
 */
import * as Config from "../../../core/config";
import type { Patron } from "../../../core/patrons/types";
import { t } from "../language";
import { day } from "./editor-subscribers";

const DAY = 86_400_000;

export function WinBackRow(props: { patron: Pick<Patron, "status" | "lapsedAt" | "winBack" | "stripeSubscriptionId"> }) {
  const { status, lapsedAt, winBack, stripeSubscriptionId } = props.patron;
  if (status !== "lapsed" || !lapsedAt) return null;
  const settled = winBack?.lapsedAt === lapsedAt ? winBack : undefined;
  const due = new Date(Date.parse(lapsedAt) + Config.get().WINBACK_DAYS * DAY).toISOString();
  const value = settled
    ? settled.outcome === "sent"
      ? t("winback.record.sent", { date: day(settled.at) })
      : t("winback.record.none")
    : stripeSubscriptionId && t("winback.record.due", { date: day(due) });
  if (!value) return null;
  return (
    <tr>
      <th scope="row">{t("winback.record.label")}</th>
      <td>{value}</td>
    </tr>
  );
}
