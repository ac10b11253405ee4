/** The welcome series' schedule: the steps now due (to be built). */
export async function runSeries(_now = new Date()): Promise<{ queued: number }> {
  return { queued: 0 };
}
