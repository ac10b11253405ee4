/**
 * Bounded parallelism: DynamoDB answers each request in milliseconds, so work over thousands of items is fast only
 * when many requests are in flight, and safe only when not all of them are at once (throttling, sockets, memory).
 */

/** Calls `work` for every item, at most `limit` at a time; rejects with the first failure once the started calls end. */
export async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
