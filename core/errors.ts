/**
 * The small error vocabulary: a `VisibleError` is meant for the caller and becomes a 4xx with its code and
 * message; anything else is a fault, logged and answered with a generic 500.
 */
export const statusOf = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof statusOf;

export class VisibleError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: { fields?: Record<string, string>; retryAfterSeconds?: number },
  ) {
    super(message);
    this.name = "VisibleError";
  }

  get status(): (typeof statusOf)[ErrorKind] {
    return statusOf[this.kind];
  }
}
