/** autocannon ships no types; the benchmarks use the few options and result fields declared in `cannon.ts`. */
declare module "autocannon" {
  const autocannon: (options: Record<string, unknown>) => Promise<any>;
  export default autocannon;
}
