/**
 * Rate limits count in fixed windows (core/db/rate-limits.ts). A test that fills one from a network and expects
 * the next request refused would see the count start again if its requests straddled a window's end: it waits
 * for the next window first when the current one ends within `marginSeconds`.
 */
export async function awayFromWindowEdge(windowSeconds: number, marginSeconds = 60): Promise<void> {
  const nowSeconds = Date.now() / 1000;
  const left = windowSeconds - (nowSeconds % windowSeconds);
  if (left < marginSeconds) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 50));
}
