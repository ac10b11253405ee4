/** Cancellations by reason, counted per day in the transaction of the patron's write that records them (to be built). */
import type { Patron } from "../patrons/types";
import type { TransactItem } from "./stats";

export function cancellationTally(_previous: Patron | undefined, _next: Patron): TransactItem[] {
  return [];
}
