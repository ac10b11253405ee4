/** Conversions by source (attribution), counted per day in the transaction of the write that makes them (to be built). */
import type { Patron } from "../patrons/types";
import type { TransactItem } from "./stats";

export function patronSourceTally(_previous: Patron | undefined, _next: Patron): TransactItem[] {
  return [];
}
