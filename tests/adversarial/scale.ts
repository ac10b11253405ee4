/**
 * The adversarial suites run short in `npm test` and long in `npm run test:long` (TIDINGS_LONG=1): the same
 * tests, with more cases, more events, more recipients. Long runs print their figures.
 */
export const LONG = process.env.TIDINGS_LONG === "1";

/** `short` in `npm test`, `long` in `npm run test:long`. */
export function byRun<T>(short: T, long: T): T {
  return LONG ? long : short;
}
