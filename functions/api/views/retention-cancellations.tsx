/** The dashboard's panel of cancellations by reason over a period (to be built). */
import type { CancellationSummary } from "../../../core/patrons/cancellations";

export function CancellationsPanel(_props: { summary: CancellationSummary }) {
  return null;
}
