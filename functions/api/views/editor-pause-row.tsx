/** The subscriber record's "Paused until" row, for a paused patron (`editor-subscriber-record.tsx`). */
import type { Patron } from "../../../core/patrons/types";
import { t } from "../language";
import { day } from "./editor-subscribers";

export function PausedUntilRow(props: { patron: Pick<Patron, "status" | "pausedUntil"> }) {
  if (props.patron.status !== "paused" || !props.patron.pausedUntil) return null;
  return (
    <tr>
      <th scope="row">{t("pause.record.pausedUntil")}</th>
      <td>{day(props.patron.pausedUntil)}</td>
    </tr>
  );
}
