/** A conditional write lost to a concurrent one: re-read and try again. */
export class WriteConflictError extends Error {
  constructor(what: string) {
    super(`concurrent write to ${what}`);
    this.name = "WriteConflictError";
  }
}

export function isConditionFailure(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === "ConditionalCheckFailedException" || name === "TransactionCanceledException";
}
