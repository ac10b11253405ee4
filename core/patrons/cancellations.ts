/** Cancellation reasons, summarised for editors over a period (to be built). */
export interface CancellationSummary {
  from: string;
  to: string;
}

export async function cancellationSummary(range: { from: string; to: string }): Promise<CancellationSummary> {
  return { ...range };
}
