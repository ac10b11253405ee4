/**
 * `POST /v1/subscriptions/:id` as Stripe answers it, for the fields Tidings (and its tests) change: `pause_collection`
 * (set with a behaviour and `resumes_at`, or unset with an empty value), `cancel_at_period_end`,
 * `cancellation_details` (`comment`, `feedback`) and `metadata` (merged; an empty value removes a key). The answer
 * is the updated subscription; a `customer.subscription.updated` with the previous values goes to the webhook in
 * hosted mode. An `Idempotency-Key` replays the first answer for the same parameters and refuses other ones, as
 * Stripe does (for 24 hours there; for the stand-in's life here).
 *
 * Also `resumeDue`: what Stripe does at a pause's `resumes_at` (clears `pause_collection`, sends the event).
 */
import type Stripe from "stripe";
import type { ApiCall } from "./api";
import type { Events } from "./actions";
import { apiError, missing } from "./http";
import type { StandInState } from "./state";

const BEHAVIORS = ["keep_as_draft", "mark_uncollectible", "void"];
const FEEDBACK = ["customer_service", "low_quality", "missing_features", "other", "switched_service", "too_complex", "too_expensive", "unused"];

/** Answers already given, by idempotency key: the parameters they were for, and the answer. */
const answered = new WeakMap<StandInState, Map<string, { request: string; status: number; body: unknown }>>();

export function updateSubscription(state: StandInState, id: string, call: ApiCall): void {
  const request = JSON.stringify([id, call.body]);
  const keys = answered.get(state) ?? answered.set(state, new Map()).get(state)!;
  const replay = call.idempotencyKey ? keys.get(call.idempotencyKey) : undefined;
  if (replay) {
    if (replay.request !== request) {
      return call.reply(400, apiError("idempotency_error", `Keys for idempotent requests can only be used with the same parameters they were first used with.`));
    }
    return call.reply(replay.status, replay.body);
  }
  const { status, body, events } = apply(state, id, call.body);
  if (call.idempotencyKey) keys.set(call.idempotencyKey, { request, status, body: structuredClone(body) });
  call.answer(status, body);
  if (events.length > 0) call.send?.(events);
}

function apply(state: StandInState, id: string, params: Record<string, any>): { status: number; body: unknown; events: Events } {
  const found = state.subscriptions.get(id);
  if (!found) return { status: 404, body: missing("subscription", id), events: [] };
  const invalid = (message: string, param: string) => ({ status: 400, body: apiError("invalid_request_error", message, { param }), events: [] });
  const ended = found.status === "canceled" || found.status === "incomplete_expired";
  if (ended && (params.pause_collection !== undefined || params.cancel_at_period_end !== undefined)) {
    return invalid("A canceled subscription can only update its cancellation_details and metadata.", "pause_collection");
  }
  const next: Partial<Stripe.Subscription> = {};
  if (params.pause_collection !== undefined) {
    if (params.pause_collection === "") next.pause_collection = null;
    else {
      const { behavior, resumes_at } = params.pause_collection as Record<string, string | undefined>;
      if (!behavior || !BEHAVIORS.includes(behavior)) return invalid(`Invalid pause_collection[behavior]: ${behavior ?? "missing"}`, "pause_collection[behavior]");
      const resumesAt = resumes_at === undefined ? null : Number(resumes_at);
      if (resumesAt !== null && !(Number.isInteger(resumesAt) && resumesAt > Date.now() / 1000)) {
        return invalid("pause_collection[resumes_at] must be a time in the future.", "pause_collection[resumes_at]");
      }
      next.pause_collection = { behavior: behavior as Stripe.Subscription.PauseCollection.Behavior, resumes_at: resumesAt };
    }
  }
  if (params.cancel_at_period_end !== undefined) {
    const cancel = params.cancel_at_period_end === "true";
    if (!cancel && params.cancel_at_period_end !== "false") return invalid("Invalid boolean: cancel_at_period_end", "cancel_at_period_end");
    const end = found.items.data[0]?.current_period_end ?? null;
    Object.assign(next, { cancel_at_period_end: cancel, cancel_at: cancel ? end : null, canceled_at: cancel ? Math.floor(Date.now() / 1000) : null });
    next.cancellation_details = { comment: null, feedback: null, reason: cancel ? "cancellation_requested" : null } as Stripe.Subscription.CancellationDetails;
  }
  if (params.cancellation_details !== undefined) {
    const { comment, feedback } = (params.cancellation_details || {}) as Record<string, string | undefined>;
    if (feedback && !FEEDBACK.includes(feedback)) return invalid(`Invalid cancellation_details[feedback]: ${feedback}`, "cancellation_details[feedback]");
    const current = next.cancellation_details ?? found.cancellation_details ?? { comment: null, feedback: null, reason: null };
    next.cancellation_details = {
      ...current,
      ...(comment !== undefined && { comment: comment || null }),
      ...(feedback !== undefined && { feedback: (feedback || null) as Stripe.Subscription.CancellationDetails.Feedback | null }),
    } as Stripe.Subscription.CancellationDetails;
  }
  if (params.metadata !== undefined) {
    const merged: Record<string, string> = params.metadata === "" ? {} : { ...found.metadata };
    for (const [key, value] of Object.entries((params.metadata || {}) as Record<string, string>)) {
      if (value === "") delete merged[key];
      else merged[key] = value;
    }
    next.metadata = merged;
  }
  const previous = Object.fromEntries(Object.keys(next).map((key) => [key, structuredClone((found as any)[key] ?? null)]));
  Object.assign(found, next);
  const changed = Object.keys(next).some((key) => JSON.stringify(previous[key]) !== JSON.stringify((found as any)[key] ?? null));
  return { status: 200, body: found, events: changed ? [["customer.subscription.updated", found, previous]] : [] };
}

/**
 * What Stripe does when a paused collection's `resumes_at` comes (`nowSeconds`, default now): clears the pause of
 * every subscription due, and answers the `customer.subscription.updated` events that says so, to send.
 */
export function resumeDue(state: StandInState, nowSeconds = Math.floor(Date.now() / 1000)): Events {
  const events: Events = [];
  for (const subscription of state.subscriptions.values()) {
    const resumesAt = subscription.pause_collection?.resumes_at;
    if (!resumesAt || resumesAt > nowSeconds) continue;
    const previous = { pause_collection: structuredClone(subscription.pause_collection) };
    subscription.pause_collection = null;
    events.push(["customer.subscription.updated", subscription, previous]);
  }
  return events;
}
