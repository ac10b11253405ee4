/**
 * The editor CLI's only way in: the HTTP API (`http-api.md` → Editor), with a bearer token. It knows the wire
 * shapes, not core's types, so it works against any deployed Tidings.
 */

export const deliveryStatuses = ["queued", "sending", "sent", "skipped", "suppressed", "failed", "bounced", "complained"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export interface Digest {
  id: string;
  frequency: "daily" | "weekly";
  period: string;
  subject: string;
  status: "draft" | "sending" | "paused" | "sent" | "cancelled";
  articleIds: string[];
  createdAt: string;
  sentAt?: string;
  pauseReason?: string;
  counts: { recipients: number } & Partial<Record<DeliveryStatus, number>>;
  /** The last cancel or resume, worked through the deliveries after the request answered; `done` once it has. */
  control?: { action: "cancel" | "resume"; startedAt: string; done: boolean };
}

export interface Delivery {
  email: string;
  status: DeliveryStatus;
  /** Why it was skipped or suppressed. */
  reason?: string;
  messageId?: string;
  error?: string;
  updatedAt: string;
}

/** An answer of 4xx or 5xx, with the API's `{"error": {code, message, fields?}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The API could not be reached at all (nothing listening, DNS, TLS). */
export class UnreachableError extends Error {
  constructor(readonly base: string, cause: unknown) {
    super(`Could not reach the API at ${base} (${reason(cause)}).`);
    this.name = "UnreachableError";
  }
}

function reason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Answer a redirect as it is (its JSON, its `Location`) instead of following it. */
  redirect?: "manual";
}

export interface Api {
  readonly base: string;
  /** The response of a 2xx answer; throws `ApiError` otherwise. */
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** The parsed JSON of a 2xx answer (or a 3xx with `redirect: "manual"`), with its status. */
  json<T>(method: string, path: string, options?: RequestOptions): Promise<{ status: number; data: T }>;
}

export function connect(base: string, token: string | undefined): Api {
  const root = base.replace(/\/+$/, "");
  const api: Api = {
    base: root,
    async request(method, path, { query = {}, body, redirect } = {}) {
      const url = new URL(root + path);
      for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            ...(token && { authorization: `Bearer ${token}` }),
            ...(body !== undefined && { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          redirect: redirect ?? "follow",
        });
      } catch (error) {
        throw new UnreachableError(root, error);
      }
      const redirected = redirect === "manual" && response.status >= 300 && response.status < 400;
      if (!response.ok && !redirected) throw await errorOf(response);
      return response;
    },
    async json<T>(method: string, path: string, options?: RequestOptions) {
      const response = await api.request(method, path, options);
      return { status: response.status, data: (await response.json()) as T };
    },
  };
  return api;
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text) as { error?: { code?: string; message?: string; fields?: Record<string, string> } };
    if (error?.code) return new ApiError(response.status, error.code, error.message ?? "", error.fields);
  } catch {
    // Not the API's error shape (a proxy's page, say): report what came back.
  }
  return new ApiError(response.status, `http_${response.status}`, text.slice(0, 200) || response.statusText);
}

/** Fetches a link the API handed out (a presigned download), without the editor token; throws `ApiError` on failure. */
export async function download(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new UnreachableError(new URL(url).origin, error);
  }
  if (!response.ok || !response.body) throw await errorOf(response);
  return response;
}

/** `/api/digests/<id>` with the id escaped. */
export const digestPath = (id: string, rest = "") => `/api/digests/${encodeURIComponent(id)}${rest}`;
