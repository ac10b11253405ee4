import * as Tokens from "../tokens";
import { VisibleError } from "../errors";
import type { PreferencesInput } from "./input";
import { mutate } from "./mutate";
import { assertFollowable } from "./topics";
import * as Db from "../db";
import type { Subscriber } from "./types";

const gone = () =>
  new VisibleError("not_found", "not_found", "We hold no subscription for this link any more. You can sign up again.");

/** The subscriber a manage link belongs to (for the preferences page). */
export async function fromManageToken(token: string): Promise<Subscriber> {
  const { subject } = Tokens.verify(token, "manage");
  const subscriber = await Db.Subscribers.get(subject);
  if (!subscriber) throw gone();
  return subscriber;
}

/** Saves topics, frequency, language, pause and name from the preferences page. Status never changes here. */
export async function updatePreferences(token: string, input: PreferencesInput): Promise<Subscriber> {
  const { subject } = Tokens.verify(token, "manage");
  await assertFollowable(input.topics);
  const { after } = await mutate(subject, (current) =>
    current && {
      ...current,
      name: input.name || undefined,
      topics: input.topics,
      frequency: input.frequency,
      language: input.language ?? current.language,
      pausedUntil: input.pausedUntil,
    },
  );
  if (!after) throw gone();
  return after;
}
