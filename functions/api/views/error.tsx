/**
 * The friendly error page every page route (and a browser's form post to `/api`) answers with: what happened, in
 * words, and what the reader can do next, in the page's language. Never a stack trace or an internal message
 * (`onError` decides the text).
 *
 * Its words come from the `errors` catalogue: the title and the advice by status, what happened by the error's
 * code. A `VisibleError`'s message is English, written for the JSON API; where it is one the catalogue knows
 * (`errors.said.*`, matched on the English), the page says it in the reader's language, more precisely than its
 * code would. An English message the catalogue does not know (one naming a value) is shown as it is on an English
 * page, and replaced by its code's message on any other.
 */
import * as I18n from "../../../core/i18n";
import { currentLanguage, t } from "../language";
import { MessagePage } from "./layout";

const STATUSES = [400, 401, 403, 404, 409, 413, 415, 429, 500, 503] as const;
type Status = (typeof STATUSES)[number];
const known = (status: number): Status => (STATUSES.includes(status as Status) ? (status as Status) : 400);
const title = (status: number) => t(`errors.title.${known(status)}`);

const CODES = [
  "conflict", "expired_token", "forbidden", "internal", "invalid_request", "invalid_token", "link_used", "not_eligible",
  "not_found", "rate_limited", "stripe_not_configured", "too_large", "topic_not_open", "unauthorized",
  "unsupported_media_type", "vote_limit",
] as const;
type Code = (typeof CODES)[number];

const SAID = [
  "admin_only", "checkout_limited", "confirmation_expired", "email_change_gone", "gift_invalid", "join_choose", "join_email", "join_signin", "no_membership",
  "no_subscriber", "no_tier", "no_topic", "nothing_about_you", "nothing_for_address", "nothing_for_link", "proposal_patrons",
  "signin_invalid", "signin_limited", "signin_no_longer", "signin_used", "signup_limited", "voting_closed", "whose_copy",
] as const;

/** English message → its key, made on first use (the catalogues are loaded by then). */
let said: Map<string, I18n.MessageKey> | undefined;
function saidKey(message: string): I18n.MessageKey | undefined {
  said ??= new Map(SAID.map((name) => [I18n.translator(I18n.SOURCE).t(`errors.said.${name}`), `errors.said.${name}` as const]));
  return said.get(message);
}

/** What happened, in the page's language. */
function whatHappened(code: string, message: string): string {
  const key = saidKey(message);
  if (key) return t(key);
  if (currentLanguage() === I18n.SOURCE) return message;
  return CODES.includes(code as Code) ? t(`errors.code.${code as Code}`) : t("errors.code.other");
}

/** Form fields as readers know them (the error names the field; the page names it in words). */
const FIELDS = ["body", "email", "frequency", "language", "name", "pausedUntil", "plan", "tier", "topics"] as const;
type Field = (typeof FIELDS)[number];
const fieldName = (field: string) => (FIELDS.includes(field as Field) ? t(`errors.field.${field as Field}`) : field);

/**
 * A field's problem: the validator's words are English, so another language names the field and asks to check it.
 */
const fieldProblem = (field: string, problem: string) =>
  currentLanguage() === I18n.SOURCE
    ? t("errors.fields.problem", { field: fieldName(field), problem })
    : t("errors.fields.check", { field: fieldName(field) });

/** The wait a 429 asks for, in minutes up to an hour and a half, else in hours ("a minute" at most a minute). */
function waitOf(seconds: number | undefined): { unit: "minutes" | "hours"; count: number } {
  if (seconds === undefined || seconds <= 60) return { unit: "minutes", count: 1 };
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? { unit: "minutes", count: minutes } : { unit: "hours", count: Math.ceil(minutes / 60) };
}

function nextStep(status: number, fields: Array<[string, string]>, retryAfterSeconds: number | undefined): string {
  if (status === 429) return t("errors.advice.429", waitOf(retryAfterSeconds));
  if (status === 400 && fields.length > 0) return t("errors.advice.fields");
  const advised = known(status);
  return advised === 415 || advised === 429 ? t("errors.advice.400") : t(`errors.advice.${advised}`);
}

export function ErrorPage(props: {
  status: number;
  code: string;
  message: string;
  fields?: Record<string, string>;
  retryAfterSeconds?: number;
}) {
  // A missing or malformed link token is a broken link to the reader, not a form field to correct.
  const brokenLink = props.fields?.token !== undefined;
  const fields = Object.entries(props.fields ?? {}).filter(([field]) => field !== "token");
  // The API's "see the fields" means nothing on a page: the fields are listed below it in words.
  const message = brokenLink
    ? t("errors.code.invalid_token")
    : props.code === "invalid_request" && fields.length > 0
      ? t("errors.fields.intro")
      : whatHappened(props.code, props.message);
  return (
    <MessagePage title={title(props.status)}>
      <p class="error">{message}</p>
      {fields.length > 0 && (
        <ul class="error">
          {fields.map(([field, problem]) => (
            <li>{fieldProblem(field, problem)}</li>
          ))}
        </ul>
      )}
      <p>{nextStep(props.status, brokenLink ? [] : fields, props.retryAfterSeconds)}</p>
      <p>
        <a href="/">{t("errors.links.home")}</a> · <a href="/login">{t("errors.links.signin")}</a>
      </p>
    </MessagePage>
  );
}
