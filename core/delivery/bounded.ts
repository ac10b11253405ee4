/**
 * Runs `run` over `items`, at most `limit` at once, in order, starting none once `stop()` says so; answers each
 * item's result (undefined: never started). When one throws (the worker "dies" in tests), none more start, those
 * in flight finish, and the first error is thrown: the message is retried and finds them done.
 */
export async function bounded<T, R>(items: readonly T[], limit: number, stop: () => boolean, run: (item: T) => Promise<R>) {
  const results: (R | undefined)[] = items.map(() => undefined);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !failure && !stop()) {
      const i = next++;
      try {
        results[i] = await run(items[i]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw failure.error;
  return results;
}
